import subprocess
import sys


def test_help_lists_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "incidents.cli", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "incident-map" in result.stdout
