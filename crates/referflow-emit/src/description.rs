//! The diagram in a few words, for a reader who cannot see it: how many steps, agencies and
//! phases, where a case starts and how it ends, and that the narrative gives every step in
//! words. It is the `<desc>` of every SVG referflow draws (alone, and in the HTML page and the
//! live preview), which screen readers give after the diagram's title; the narrative is the
//! diagram's full text version.

use fluent_bundle::{FluentArgs, FluentValue};
use referflow_syntax::StageKind;

use crate::chart::{Chart, RenderOptions};
use crate::i18n::Catalogue;

/// Up to this many entry points or outcomes are named; more are counted.
const NAMED: usize = 3;

/// The description of the chart's diagram in the language of `options`: a few sentences,
/// plain text (escaped by whoever writes it).
pub fn description(chart: &Chart<'_, '_>, options: &RenderOptions) -> String {
    let model = chart.model;
    let (catalogue, _) = Catalogue::for_lang(chart.lang(options));
    let count = |id: &str, n: usize| {
        let mut args = FluentArgs::with_capacity(1);
        args.set("count", FluentValue::from(n as f64));
        catalogue.format(id, Some(&args))
    };
    let steps = count("a11y-steps", model.stages.len());
    let agencies = count("a11y-agencies", model.actors.len());
    let mut sentences = vec![if model.phases.is_empty() {
        catalogue.with("a11y-summary", &[("steps", &steps), ("agencies", &agencies)])
    } else {
        let phases = count("a11y-phases", model.phases.len());
        catalogue.with("a11y-summary-phases", &[("steps", &steps), ("agencies", &agencies), ("phases", &phases)])
    }];
    for (kind, named, many, variable) in [
        (StageKind::Start, "a11y-starts", "a11y-starts-many", "starts"),
        (StageKind::End, "a11y-outcomes", "a11y-outcomes-many", "outcomes"),
    ] {
        let labels: Vec<String> = (model.stages.iter().filter(|s| s.kind == kind))
            .take(NAMED + 1)
            .map(|s| catalogue.with("a11y-quoted", &[("text", &one_line(chart.text(&s.label, options)))]))
            .collect();
        match labels.len() {
            0 => {}
            n if n > NAMED => {
                sentences.push(count(many, model.stages.iter().filter(|s| s.kind == kind).count()));
            }
            _ => sentences.push(catalogue.with(named, &[(variable, &or_list(catalogue, labels))])),
        }
    }
    sentences.push(catalogue.text("a11y-narrative"));
    sentences.join(" ")
}

/// A label written over several lines, as one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `A, B or C`, as the narrative lists alternatives.
fn or_list(catalogue: &Catalogue, mut items: Vec<String>) -> String {
    let Some(last) = items.pop() else { return String::new() };
    if items.is_empty() {
        return last;
    }
    let rest = items.join(&catalogue.text("narrative-list-separator"));
    catalogue.with("narrative-list-or", &[("rest", &rest), ("last", &last)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(src: &str, lang: usize) -> String {
        let checked = referflow_check::check(&referflow_syntax::parse(src));
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        description(&Chart::new(&checked.model, &checked.diagnostics), &RenderOptions { lang, ..Default::default() })
    }

    #[test]
    fn counts_names_the_ends_and_points_to_the_narrative() {
        let src = "title \"T\" th \"ท\"\nlanguages en th\nactor a \"A\" { th \"ก\" }\n\
                   phase p \"P\" {\n  th \"พ\"\n  start s \"Tip-off received\" by a { th \"แจ้ง\"; -> e }\n\
                   end e \"Closed\" by a { th \"ปิด\" }\n  end f \"Referred\" by a { th \"ส่งต่อ\" }\n}\ns -> f\n";
        assert_eq!(
            describe(src, 0),
            "A referral chart of 3 steps and 1 agency, in 1 phase. A case starts at “Tip-off received”. \
             It ends with “Closed” or “Referred”. The narrative gives every step in words."
        );
        assert_eq!(
            describe(src, 1),
            "แผนผังการส่งต่อที่มี 3 ขั้นตอน และ 1 หน่วยงาน แบ่งเป็น 1 ระยะ กรณีเริ่มต้นที่ “แจ้ง” \
             และสิ้นสุดที่ “ปิด” หรือ “ส่งต่อ” คำบรรยายให้รายละเอียดทุกขั้นตอนเป็นข้อความ"
        );
    }

    #[test]
    fn many_entry_points_are_counted_not_named() {
        let mut src = String::from("languages en\nactor a \"A\"\nend e \"Closed\" by a\n");
        for i in 0..5 {
            src.push_str(&format!("start s{i} \"Start {i}\" by a {{ -> e }}\n"));
        }
        let text = describe(&src, 0);
        assert!(text.starts_with("A referral chart of 6 steps and 1 agency. "), "{text}");
        assert!(text.contains("A case starts at one of 5 entry points. It ends with “Closed”."), "{text}");
    }
}
