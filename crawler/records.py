"""Plain records passed from the exploration to the dataset writer.

They carry no Scrapy or Playwright types so that the search, the Scrapy items and the
Parquet writer can share them and be tested separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Channel names, in the order used to join ties ("live_chat|phone" is name order).
CHANNELS = ("callback", "chatbot", "email", "live_chat", "phone", "web_form")
#: The synchronous channels with a person at the other end.
HUMAN_CHANNELS = ("callback", "live_chat", "phone")
#: Final status of one app in one run.
STATUSES = ("found", "not_found", "login_wall", "error")


@dataclass
class Step:
    """One click (tap, or choosing one <select> option) on a shortest path."""

    label: str
    role: str
    selector: str
    url_before: str
    url_after: str
    screenshot: str | None = None  # path relative to the output root


@dataclass
class ChannelHit:
    """The shallowest state in which one contact channel was visible."""

    channel: str
    clicks: int
    path: list[Step]
    url: str
    evidence_text: str
    value: str | None = None  # E.164 number, e-mail address, ...
    screenshot: str | None = None  # final state, relative to the output root
    service_hours: str | None = None
    #: every state reachable in fewer taps was examined: `clicks` is the true minimum
    min_proven: bool = True


@dataclass
class AppResult:
    """Everything measured for one app in one run (one row of `reachability`)."""

    app_id: str
    app_name: str
    category: str
    region: str
    device: str
    start_url: str
    status: str
    crawled_at: float  # UNIX seconds, UTC
    human_reachable: bool = False
    clicks_to_human: int | None = None
    human_channel: str | None = None
    clicks_to_contact: int | None = None
    path_to_human: list[str] | None = None
    phone_numbers: list[str] = field(default_factory=list)
    service_hours: str | None = None
    bot_before_human: bool | None = None
    states_explored: int = 0
    clicks_performed: int = 0
    page_loads: int = 0
    duration_s: float = 0.0
    budget_exhausted: bool = False
    stop_reason: str | None = None  # search.STOP_REASONS; None if the search never ran
    error: str | None = None
    channels: list[ChannelHit] = field(default_factory=list)
    locale: str | None = None
    final_url: str | None = None
    offsite_links: list[str] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)  # "URL: reason" of pages that failed to load
    restore_failures: int = 0  # states that could not be brought back to take their taps
    contact_queues: list[str] = field(default_factory=list)  # "control -> queue text": left at once
    min_proven: bool | None = None  # clicks_to_human is a proven minimum (None: no human found)
    levels_complete: int | None = None  # deepest level explored completely (None: search never ran)
    seconds_to_first_route: float | None = None  # search start -> first human channel seen
    previous_route: str | None = None  # the previous run's shortest human route: confirmed | changed
