//! `referflow explain RULE`

use referflow_check::Rule;

use crate::{Failure, Outcome, report_failure};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule's code (`RF101`) or name (`unreachable-stage`).
    rule: String,
}

pub fn run(args: Args) -> Outcome {
    match Rule::lookup(&args.rule) {
        Some(rule) => {
            print!("{}", referflow_emit::rules_doc::explain(rule));
            Outcome::Clean
        }
        None => {
            report_failure(&Failure(format!("unknown rule `{}`; the rules are:", args.rule)));
            for rule in Rule::ALL {
                eprintln!("  {} {}", rule.code(), rule.name());
            }
            Outcome::Trouble
        }
    }
}
