# cumex: steady-state parameter studies of open collective spin models (exact, mean-field, cumulants).
# Run the default study with `snakemake --cores all`; another study with `--configfile config/<study>.yaml`.
from snakemake.utils import min_version, validate

from cumex.config import SCHEMA_PATH

min_version("8.0")


configfile: "config/config.yaml"


# common.smk first checks the study against the schema and its model with a one-line message that names
# the offending key and what is allowed; Snakemake's validate then repeats the schema check.
include: "workflow/rules/common.smk"


validate(config, str(SCHEMA_PATH))


include: "workflow/rules/solve.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/plot.smk"
include: "workflow/rules/report.smk"


# merging files, drawing figures and the interactive page are quick: on a cluster they run where Snakemake runs
localrules:
    aggregate,
    plot,
    explore,


rule all:
    default_target: True
    input:
        dataset_path(),
        figure_paths(),
        rules.explore.output,
