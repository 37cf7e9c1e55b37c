from pairaid.cli.main import run

run()
