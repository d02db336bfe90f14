"""Only for building the Scrapyd egg (`scrapyd-deploy`, or `python setup.py bdist_egg`).

Metadata, dependencies, package data and the `scrapy` entry point Scrapyd needs all live
in pyproject.toml.
"""

from setuptools import setup

setup()
