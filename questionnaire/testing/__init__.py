"""Test and demo helpers: an emulated AWS account matching the example profile (see aws_fixture)."""
