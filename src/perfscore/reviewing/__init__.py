"""reviewing"""
