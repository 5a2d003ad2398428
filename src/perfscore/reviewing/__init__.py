"""Review (复核): recomputing a unit's table and reporting each discrepancy, for one table or a folder."""

from .checks import FileReview, Review, evaluation_files, review, review_files

__all__ = ["FileReview", "Review", "evaluation_files", "review", "review_files"]
