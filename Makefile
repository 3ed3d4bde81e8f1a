# Two commands: `make run` (set up and serve with demo data) and `make test` (the whole suite).
.PHONY: run test bench
run:
	./scripts/run
test:
	./scripts/test
bench:
	.venv/bin/python benchmarks/list_search.py --db sqlite --customers 100000
	.venv/bin/python benchmarks/list_search.py --db postgres --customers 100000
