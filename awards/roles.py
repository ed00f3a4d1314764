"""The awards section's own group: experts who score entries in the admin (created by migration 0002)."""

EXPERTS = "评审专家"
