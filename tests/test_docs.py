"""The README documents every command, and opens with the two set-up commands."""

import re
from pathlib import Path

from click.testing import CliRunner

from sendwatch.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_readme_opens_with_make_demo_and_make_test():
    block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert block.split() == ["make", "demo", "make", "test"]
    assert README.index("```sh") < README.index("sendwatch makes")


def test_every_command_is_in_the_readme():
    assert set(main.commands) >= {"crawl", "extract", "serve", "publish", "demo", "councils", "health"}
    for name in main.commands:
        assert f"sendwatch {name}" in README, name


def test_every_command_has_help_ending_with_an_example():
    runner = CliRunner()
    for name in main.commands:
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        assert "Example:" in result.output, name
