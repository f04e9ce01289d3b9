# pma-eval — la porte d'entrée. `make` seul affiche l'aide.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export PATH := $(abspath $(BIN)):$(PATH)
# Reports, tests and scheduled runs draw off screen; `make lab` and `make carnets` unset it so that the
# notebooks' inline backend draws (plt.show(), figures).
export MPLBACKEND := Agg

.PHONY: help install check-system data report _rapport-annuel _rapport-prospective scenarios fiches visuels test test-fast carnets lab demo-data lock bench bench-lot bench-ci clean

help: ## afficher cette aide
	@echo "pma-eval — commandes disponibles :"
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

# uv installs the same requirements.lock in seconds; pinned here, bootstrapped with pip into .venv. Bytecode
# is compiled at install time (--compile-bytecode): machines that set PYTHONDONTWRITEBYTECODE would otherwise
# import every module from source in every process. If uv cannot be had or fails (uv reads no pip.conf: a
# private index or certificate set up for pip only), pip does the same installation.
UV_VERSION := 0.13.9
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@if $(PIP) "uv==$(UV_VERSION)" && \
	    $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock && \
	    $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --no-deps --no-build-isolation -e . ; \
	then :; else \
	  echo "uv indisponible ou en échec (voir ci-dessus) : installation par pip, plus lente" >&2; \
	  $(PIP) -r requirements.lock && $(PIP) --no-deps --no-build-isolation -e . ; \
	fi
	@touch $(STAMP)

# The package itself is installed editable: its own modules are compiled here, at each install, for the same reason
# (compileall skips those already compiled; a module changed since is compiled again in memory, as before).
install: $(STAMP) check-system ## créer .venv et installer les dépendances figées (requirements.lock)
	@$(BIN)/python -m compileall -q pma_eval

check-system: ## vérifier les bibliothèques système de WeasyPrint (Pango)
	@ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || { \
	  echo "Pango est absent : installez-le avec « apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core »" >&2; exit 1; }
	@ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so' || \
	  echo "Avertissement : HarfBuzz-subset est absent ; les PDF seront produits, mais bien plus lentement (150 fiches en 38 s au lieu de 14 s) : « apt-get install libharfbuzz-subset0 »" >&2

data: install ## construire data/processed à partir de data/raw
	$(BIN)/pma-eval data build

report: data ## installer, construire les données, produire le rapport annuel et le rapport de prospective du Pôle
	@$(MAKE) --no-print-directory -j2 --output-sync=target _rapport-annuel _rapport-prospective

# the two reports of `make report`, side by side on two cores (internal targets, without help line)
_rapport-annuel:
	$(BIN)/pma-eval report annual
_rapport-prospective:
	$(BIN)/pma-eval report scenarios

scenarios: data ## rapport de prospective du Pôle seul (scénarios du dossier scenarios/)
	$(BIN)/pma-eval report scenarios

fiches: data ## fiches communales et synthèses des agglomérations (dernière année)
	$(BIN)/pma-eval fiches

visuels: data ## visuels prêts à publier (dernière année)
	$(BIN)/pma-eval visuels

# pytest rewrites the asserts of each test module at import, in every worker: 3 s of processor a worker, unless it may
# keep the rewritten modules (the __pycache__ folders of tests/), which a machine that sets PYTHONDONTWRITEBYTECODE
# forbids.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

test: install ## installer puis lancer toute la suite de tests (sur tous les cœurs)
	$(PYTEST) -n auto

test-fast: install ## tests sans l'exécution de l'année complète ni des carnets (marque slow)
	$(PYTEST) -n auto -m "not slow"

carnets: data ## exécuter les carnets d'exploration et les garder avec leurs sorties (documentation lisible sur la forge)
	env -u MPLBACKEND $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.kernel_name=python3 --ExecutePreprocessor.record_timing=False notebooks/exploratory/*.ipynb

lab: install ## ouvrir JupyterLab (carnets dans notebooks/ ; --allow-root ajouté si l'on est root)
	env -u MPLBACKEND $(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

demo-data: install ## régénérer les séries de démonstration de data/raw/demonstration
	$(BIN)/pma-eval data demo --force

lock: ## refaire requirements.lock depuis pyproject.toml (développeurs)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet . '.[test]'
	{ echo "# Pinned dependencies of pma-eval (runtime, analysts and tests), Python 3.11."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml."; \
	  .venv-lock/bin/pip freeze --all --exclude-editable | grep -v -E '^(pma-eval|pip)=='; } > requirements.lock
	rm -rf .venv-lock

bench: data ## mesures de performance (benchmarks/, dont le lot des 92 EPCI de la région : une heure de plus) : chaque chiffre affiché ; échec bruyant si une mesure échoue
	$(BIN)/python benchmarks/national.py
	$(BIN)/python benchmarks/annee.py
	$(BIN)/python benchmarks/fiches.py
	$(BIN)/python benchmarks/prospective.py
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/lot.py

bench-lot: install ## le lot de tous les EPCI des Hauts-de-France (pma-eval lot --region 32) : environ une heure
	$(BIN)/python benchmarks/lot.py

bench-ci: install ## le banc national réduit (un dixième des communes), lancé par l'intégration continue
	$(BIN)/python benchmarks/national.py --dixieme

clean: ## supprimer les données construites et les rapports (pas .venv)
	rm -rf data/processed/*.parquet data/processed/manifest.json data/interim reports/*/
