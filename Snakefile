# cumex: steady-state parameter studies of the open central spin model (exact, mean-field, cumulants).
# Run the default study with `snakemake --cores all`; another study with `--configfile config/<study>.yaml`.
from snakemake.utils import min_version, validate

min_version("8.0")


configfile: "config/config.yaml"


# common.smk first checks the study against config/schema.yaml with a one-line message that names the
# offending key and what is allowed; Snakemake's validate then repeats the check and fills in defaults.
include: "workflow/rules/common.smk"


validate(config, "config/schema.yaml")


include: "workflow/rules/solve.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/plot.smk"
# the LMG-dimer study: defines its rules (target lmg_all) only when the config has an `lmg_dimer` key
include: "workflow/rules/lmg.smk"


rule all:
    input:
        dataset_path(),
        figure_paths(),
    default_target: True
