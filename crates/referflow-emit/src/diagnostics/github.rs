//! `check --format github`: GitHub Actions workflow commands, one per diagnostic, which the
//! runner turns into annotations on the changed lines:
//! `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=RF101 unreachable-stage::message`

use referflow_syntax::LineIndex;

use super::FileReport;

pub fn render_github(reports: &[FileReport<'_>]) -> String {
    let mut out = String::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue; // no line index to build for a clean file
        }
        let index = LineIndex::new(report.source.text);
        for d in report.diagnostics {
            let start = index.line_col(report.source.text, d.span.start as usize);
            let end = index.line_col(report.source.text, d.span.end as usize);
            // Text from the chart has its control characters made visible, as in the human
            // report: only the line break before the help is referflow's own.
            let mut message = crate::visible(&d.message).into_owned();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(&crate::visible(help));
            }
            out.push_str(&format!(
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                if d.is_error() { "error" } else { "warning" },
                property(report.source.name),
                start.line,
                start.column,
                end.line,
                end.column,
                property(&format!("{} {}", d.rule.code(), d.rule.name())),
                data(&message),
            ));
        }
    }
    out
}

/// Escapes a command's message, as the Actions toolkit does.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value, as the Actions toolkit does.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(super::data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(super::property("a,b:c.flow"), "a%2Cb%3Ac.flow");
    }
}
