"""The package list of the `sessim` distribution (pyproject.toml holds the rest): impl/ and
every package under it, its link to generated/ included, installed as `sessim`."""

from setuptools import find_packages, setup

setup(packages=["sessim", *(f"sessim.{name}" for name in find_packages("impl"))])
