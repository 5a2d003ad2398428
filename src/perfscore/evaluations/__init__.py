"""evaluations"""
