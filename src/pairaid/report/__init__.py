"""The evaluation report: chart specs, labels and number formats, and the pages built from them."""
