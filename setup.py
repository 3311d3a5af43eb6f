"""The package list: every package under rmjournal/, and the top-level themes/ folder installed
as `rmjournal.themes` (its `package-dir` entry is in pyproject.toml, with everything else)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["rmjournal", "rmjournal.*"]), "rmjournal.themes"])
