"""Scrapy settings of the reachability project, declared in one place.

`scrapy crawl reachability -a config=...` and `reachability crawl` both use these.
"""

from crawler.browser import launch_options

BOT_NAME = "reachability"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = launch_options()
PLAYWRIGHT_MAX_CONTEXTS = 2  # apps explored at once; the spider sets it from the config
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 1

# The browser keeps its own user agent (the spider adds the survey's suffix, if any).
USER_AGENT = None
# robots.txt is fetched by the browser itself and checked for every page the search opens
# (crawler/robots.py); Scrapy's middleware cannot resolve every host the browser can.
ROBOTSTXT_OBEY = False
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 0
RETRY_ENABLED = False
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
ITEM_PIPELINES = {"crawler.pipelines.DatasetPipeline": 300}
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
