# Two commands on a fresh machine with Python 3.11+ and git:
#   make run    set up .venv and open the app in sandbox mode
#   make test   set up .venv and run the layer contracts, linters and the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint screenshots translations mutation dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pos-app

lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check pos_app tests bench packaging
	$(BIN)/mypy pos_app

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n 4 --dist loadgroup

# Every screen from one seeded demo day (each on a fresh copy of it): see devtools/demo_world.py.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pos-app screenshot --all docs/screenshots

# The gettext catalogs (docs/translations.md): extract every marked sentence of the package into
# pos_app/locale/pos_app.pot, merge it into each language's .po (new sentences untranslated,
# removed ones dropped), then compile the .mo files the app reads. The .po and .mo files are
# committed: the wheel carries them, and tests/unit/test_catalogs.py fails when they are stale.
LOCALE := pos_app/locale
LANGUAGES := bn es de
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k _ -k gettext -k ngettext:1,2 \
		-k pgettext:1c,2 -k N_ -k N_plural:1,2 --add-location=file --sort-by-file --project=pos-app --copyright-holder=pos-app \
		--header-comment="# pos-app's sentences, extracted by make translations." \
		--omit-header -o $(LOCALE)/pos_app.pot pos_app
	for lang in $(LANGUAGES); do \
		if [ -f $(LOCALE)/$$lang/LC_MESSAGES/pos_app.po ]; then \
			$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete \
				-i $(LOCALE)/pos_app.pot -d $(LOCALE) -D pos_app -l $$lang || exit 1; \
		else \
			$(BIN)/pybabel init -i $(LOCALE)/pos_app.pot -d $(LOCALE) -D pos_app -l $$lang || exit 1; \
		fi; \
	done
	$(BIN)/pybabel compile -d $(LOCALE) -D pos_app --statistics

# Mutation testing (docs/testing.md): slow, not part of `make test` or CI. Runs mutmut on
# domain/ and the money services with two workers, then prints the kill rate and survivors.
# `make mutation MUTANTS='pos_app.domain*'` tries only some mutants.
MUTANTS ?=
mutation: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/mutation.py --run --max-children 2 $(MUTANTS)

# The standalone app for this OS (packaging/README.md): dist/pos-app/ with the `pos-app`
# executable, then a check that it starts and renders a screen from the frozen files.
dist: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	$(BIN)/python packaging/build_dist.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants build dist
