# The two commands of the README. Both install what they need first (scripts/setup.sh).
.PHONY: setup demo test lint bench

setup:
	@bash scripts/setup.sh

demo: setup
	reachability demo

test: setup
	python3 -m pytest -q

lint: setup
	ruff check crawler tests

bench: setup
	python3 -m crawler.bench ../shared/bench
