"""Scrapy spiders of the reachability project."""
