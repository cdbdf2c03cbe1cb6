# Two commands for a newcomer: `make run` and `make test`. Both create .venv when it is
# missing and (re)install when pyproject.toml or constraints.txt changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test fuzz bench clean-venv

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "newsbot needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing dependencies into $(VENV) (pinned by constraints.txt)..."
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/python run_bot.py run

test: $(STAMP)
	@$(BIN)/python -m pytest $(PYTEST_ARGS)

# The property tests over hostile input (text, feeds, dates, commands) with new random examples,
# FUZZ times their usual counts (without the suite's per-test time limit, which FUZZ outgrows).
FUZZ ?= 10
fuzz: $(STAMP)
	@NEWSBOT_RUN_SLOW=1 NEWSBOT_FUZZ=$(FUZZ) $(BIN)/python -m pytest -q -p no:cacheprovider --timeout=0 \
		tests/test_hostile_text.py tests/test_hostile_commands.py tests/test_hostile_files.py tests/test_feeds.py -k "slow or hostile_json or any_date or never_a_crash"

bench: $(STAMP)
	@$(BIN)/python -m bench

clean-venv:
	rm -rf $(VENV)
