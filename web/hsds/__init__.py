"""The coalition's directory as Open Referral HSDS 3.1: a read-only API under /hsds/."""

from web.hsds.views import bp

__all__ = ["bp"]
