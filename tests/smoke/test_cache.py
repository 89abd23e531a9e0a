"""The smoke's cache: an unchanged module is not imported again; a changed one, and whatever
imports it, is; a red verdict is never kept. Each run is `pytest -m smoke` in a subprocess,
with pytest's cache in a folder of the test's own; every module logs when it is imported."""

import json

import pytest

from smoke_runs import run_smoke, write_package

LOG = "import os\n\nwith open(os.environ['SHOP_LOG'], 'a') as _log:\n    _log.write(__name__ + '\\n')\n"
SHOP = {
    "shop/__init__.py": LOG,
    "shop/prices.py": LOG + "\n\ndef grand_total(items):\n    return sum(items)\n",
    "shop/cart.py": LOG + "from shop.prices import grand_total\n",
    "shop/checkout.py": LOG + "from shop import cart\n\nTOTAL = cart.grand_total\n",
    "shop/compat.py": LOG + "import json\n",
}


@pytest.fixture
def shop(tmp_path):
    root = write_package(tmp_path / "src", SHOP)
    log = tmp_path / "imports.log"

    def run(*args: str, **env: str):
        log.write_text("")
        result = run_smoke(*args, env={"QA_SMOKE_PATH": str(root), "QA_SMOKE_PACKAGE": "shop",
                                       "SHOP_LOG": str(log), **env}, cache_dir=tmp_path / "cache")
        return result, result.stdout + result.stderr, set(log.read_text().split())

    return root, run


def test_a_warm_run_imports_nothing_and_says_so(shop):
    _, run = shop
    first, output, imported = run()
    assert first.returncode == 0, output
    assert imported == {"shop", "shop.prices", "shop.cart", "shop.checkout", "shop.compat"}
    assert "smoke: 0 of 5 modules unchanged since their last green verdict" in output
    again, output, imported = run()
    assert again.returncode == 0, output
    assert imported == set()
    assert "smoke: 5 of 5 modules unchanged since their last green verdict" in output
    assert output.count(" PASSED") == 5


def test_a_changed_module_and_everything_importing_it_are_checked_again(shop):
    root, run = shop
    run()
    prices = root / "shop/prices.py"
    prices.write_text(prices.read_text() + "\n\nTAX = 0.2\n")
    result, output, imported = run()
    assert result.returncode == 0, output
    # prices, cart (imports it) and checkout (imports cart) again; shop and compat not
    assert "smoke: 2 of 5 modules unchanged" in output
    assert "shop.compat" not in imported and "shop.prices" in imported and "shop.checkout" in imported
    # The cached ones are reported first, while the server checks the others.
    assert output.index("test_imports[shop.compat] PASSED") < output.index("test_imports[shop.cart] PASSED")


def test_a_change_that_breaks_an_importer_turns_it_red_at_once(shop):
    root, run = shop
    run()
    prices = root / "shop/prices.py"
    prices.write_text(prices.read_text().replace("grand_total", "total"))
    result, output, _ = run()
    assert result.returncode == 1, output
    assert "FAILED smoke/test_imports.py::test_imports[shop.cart]" in output
    assert "FAILED smoke/test_imports.py::test_imports[shop.checkout]" in output


def test_a_red_verdict_is_checked_again_on_every_run(shop):
    root, run = shop
    (root / "shop/broken.py").write_text(LOG + "raise RuntimeError('no configuration')\n")
    for _ in range(2):
        result, output, imported = run()
        assert result.returncode == 1, output
        assert "FAILED smoke/test_imports.py::test_imports[shop.broken]" in output
        assert "shop.broken" in imported  # imported again, although nothing changed
    assert "smoke: 5 of 6 modules unchanged" in output


def test_cache_clear_and_the_setting_turn_it_off(shop, tmp_path):
    _, run = shop
    run()
    _, output, imported = run("--cache-clear")
    assert "smoke: 0 of 5 modules unchanged" in output and len(imported) == 5
    _, output, imported = run(QA_SMOKE_CACHE="off")
    assert "unchanged since" not in output and len(imported) == 5
    _, output, imported = run(QA_SMOKE_WARNINGS="default")  # another setting: other verdicts
    assert "smoke: 0 of 5 modules unchanged" in output and len(imported) == 5


def test_the_cache_is_kept_in_pytests_cache_folder(shop, tmp_path):
    _, run = shop
    run()
    (table,) = (tmp_path / "cache" / "d" / "smoke").glob("shop-*.json")
    entries = json.loads(table.read_text())
    assert sorted(entries["green"]) == ["shop", "shop.cart", "shop.checkout", "shop.compat", "shop.prices"]


@pytest.mark.slow
def test_xdist_workers_share_the_cache(shop):
    _, run = shop
    first, output, imported = run("-n", "2")
    assert first.returncode == 0, output
    assert len(imported) == 5
    again, output, imported = run("-n", "2")
    assert again.returncode == 0, output
    assert imported == set()


@pytest.mark.parametrize("damage", ["{not json", '{"context": 1}', "[]"])
def test_a_damaged_cache_file_means_checking_again(shop, tmp_path, damage):
    _, run = shop
    run()
    (table,) = (tmp_path / "cache" / "d" / "smoke").glob("shop-*.json")
    table.write_text(damage)
    result, output, imported = run()
    assert result.returncode == 0, output
    assert len(imported) == 5 and "smoke: 0 of 5 modules unchanged" in output


def test_damaged_entries_are_checked_again_and_the_others_kept(shop, tmp_path):
    _, run = shop
    run()
    (table,) = (tmp_path / "cache" / "d" / "smoke").glob("shop-*.json")
    entries = json.loads(table.read_text())
    entries["green"]["shop.compat"] = "green"
    entries["facts"][next(iter(entries["facts"]))] = {"imports": []}
    table.write_text(json.dumps(entries))
    result, output, imported = run()
    assert result.returncode == 0, output
    assert "shop.compat" in imported and "smoke: 4 of 5 modules unchanged" in output


def test_a_cache_folder_that_cannot_be_written_costs_one_line_not_the_run(shop, tmp_path):
    _, run = shop
    (tmp_path / "cache" / "d").parent.mkdir(parents=True)
    (tmp_path / "cache" / "d").write_text("a file where pytest's folders go")
    result, output, _ = run()
    assert result.returncode == 0, output
    assert "smoke: could not keep the verdicts in " in result.stderr
    assert "Traceback" not in output
