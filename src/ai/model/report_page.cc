// The readable forms of report.json: an HTML page with inline SVG plots (no
// scripts, no network) and the Markdown model card.
#include <cmath>
#include <string>

#include "ai/model/artifact.h"
#include "base/str.h"

namespace vigil::ai {
namespace {

using fhir::Json;

double Num(const Json* j) {
  return j != nullptr && j->is_number() ? std::strtod(j->text().c_str(), nullptr) : NAN;
}

std::string Fmt(const Json& obj, std::string_view key, int digits = 3) {
  double v = Num(obj.Find(key));
  return std::isnan(v) ? "n/a" : fmt::format("{:.{}f}", v, digits);
}

std::string Ci(const Json& obj, std::string_view key) {
  const Json* ci = obj.Find(key);
  if (ci == nullptr || ci->items().size() != 2) return "";
  return fmt::format(" ({:.3f}–{:.3f})", Num(&ci->items()[0]), Num(&ci->items()[1]));
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

struct Series {
  std::string_view label;
  std::string_view color;
  const Json* points;  // [[x, y], ...]
};

// A 300×300 unit-square plot with axes, an optional diagonal and polylines.
std::string Plot(std::string_view title, std::string_view xlabel, std::string_view ylabel,
                 const std::vector<Series>& series, bool diagonal) {
  constexpr double kSize = 260, kPad = 40;
  auto px = [&](double x) { return kPad + x * kSize; };
  auto py = [&](double y) { return kPad / 2 + (1 - y) * kSize; };
  std::string svg = fmt::format(
      "<figure><svg width=\"320\" height=\"330\" viewBox=\"0 0 320 330\" role=\"img\" aria-label=\"{0}\">"
      "<rect x=\"{1}\" y=\"{2}\" width=\"{3}\" height=\"{3}\" fill=\"none\" stroke=\"#888\"/>",
      HtmlEscape(title), kPad, kPad / 2, kSize);
  if (diagonal) {
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#ccc\" stroke-dasharray=\"4\"/>",
                       px(0), py(0), px(1), py(1));
  }
  for (int i = 0; i <= 4; ++i) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{:.2g}</text>",
                       px(i / 4.0), py(0) + 14, i / 4.0);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{:.2g}</text>",
                       px(0) - 4, py(i / 4.0) + 3, i / 4.0);
  }
  svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>", px(0.5),
                     py(0) + 28, HtmlEscape(xlabel));
  svg += fmt::format(
      "<text x=\"10\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 10 {})\">{}</text>",
      py(0.5), py(0.5), HtmlEscape(ylabel));
  int legend = 0;
  for (const Series& s : series) {
    if (s.points == nullptr || s.points->items().empty()) continue;
    std::string pts;
    for (const Json& p : s.points->items()) {
      if (p.items().size() != 2) continue;
      double x = Num(&p.items()[0]), y = Num(&p.items()[1]);
      if (std::isnan(x) || std::isnan(y)) continue;
      pts += fmt::format("{:.1f},{:.1f} ", px(x), py(y));
    }
    svg += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>", pts, s.color);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{}\">{}</text>", px(0.55),
                       py(0.08) - 14 * legend++, s.color, HtmlEscape(s.label));
  }
  return svg + fmt::format("</svg><figcaption>{}</figcaption></figure>", HtmlEscape(title));
}

Json CalibrationPoints(const Json& report) {
  Json pts = Json::Array();
  if (const Json* bins = report.Find("calibration")) {
    for (const Json& b : bins->items()) {
      if (Num(b.Find("count")) > 0) {
        Json p = Json::Array();
        p.Push(*b.Find("mean_predicted"));
        p.Push(*b.Find("observed_rate"));
        pts.Push(std::move(p));
      }
    }
  }
  return pts;
}

constexpr std::pair<const char*, const char*> kRows[] = {
    {"auroc", "AUROC"}, {"auprc", "AUPRC"}, {"utility", "PhysioNet 2019 utility"},
    {"threshold", "Threshold"}, {"alert_rate", "Alerted stay-days per stay-day"}, {"ppv", "PPV (stays)"},
    {"sensitivity", "Sensitivity (septic stays)"}, {"median_lead_time_hours", "Median lead time (h)"},
};

std::string MetricCell(const Json& obj, std::string_view key) {
  std::string cell = Fmt(obj, key);
  if (key == "auroc") cell += Ci(obj, "auroc_ci95");
  if (key == "auprc") cell += Ci(obj, "auprc_ci95");
  return cell;
}

}  // namespace

std::string ReportHtml(const Json& report, std::string_view title) {
  static const Json kEmpty = Json::Object();
  const Json* news2 = report.Find("news2");
  const Json* qsofa = report.Find("qsofa");
  const Json& n = news2 != nullptr ? *news2 : kEmpty;
  const Json& q = qsofa != nullptr ? *qsofa : kEmpty;
  std::string html = fmt::format(
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title><style>"
      "body{{font-family:sans-serif;max-width:1000px;margin:2em auto}}table{{border-collapse:collapse}}"
      "td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}th:first-child,td:first-child{{text-align:left}}"
      "figure{{display:inline-block;margin:0 1em 1em 0}}</style></head><body><h1>{0}</h1>"
      "<p>Evaluation on held-out patients. Intervals are 95% bootstrap intervals over stays. "
      "NEWS2 alerts at ≥ 5, qSOFA at ≥ 2.</p><table><tr><th>metric</th><th>model</th><th>NEWS2</th><th>qSOFA</th></tr>",
      HtmlEscape(title));
  for (const auto& [key, label] : kRows) {
    html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", label, MetricCell(report, key),
                        MetricCell(n, key), MetricCell(q, key));
  }
  html += fmt::format("<tr><td>Stays / septic stays</td><td>{} / {}</td><td></td><td></td></tr></table>",
                      Fmt(report, "stays", 0), Fmt(report, "septic_stays", 0));
  html += Plot("ROC curve", "false positive rate", "true positive rate",
               {{"model", "#c0392b", report.Find("roc_curve")},
                {"NEWS2", "#2471a3", n.Find("roc_curve")},
                {"qSOFA", "#7d3c98", q.Find("roc_curve")}},
               true);
  html += Plot("Precision-recall curve", "recall", "precision",
               {{"model", "#c0392b", report.Find("pr_curve")},
                {"NEWS2", "#2471a3", n.Find("pr_curve")},
                {"qSOFA", "#7d3c98", q.Find("pr_curve")}},
               false);
  const Json calibration = CalibrationPoints(report);
  html += Plot("Calibration (model)", "mean predicted probability", "observed rate",
               {{"model", "#c0392b", &calibration}}, true);
  if (const Json* cross = report.Find("cross_site")) {
    html += "<h2>Cross-site</h2><table><tr><th>site</th><th>AUROC model</th><th>AUROC NEWS2</th>"
            "<th>utility</th><th>alert rate</th><th>PPV</th><th>sensitivity</th></tr>";
    for (const auto& [site, r] : cross->members()) {
      const Json* sn = r.Find("news2");
      html += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                          HtmlEscape(site), MetricCell(r, "auroc"), sn ? MetricCell(*sn, "auroc") : "n/a",
                          Fmt(r, "utility"), Fmt(r, "alert_rate"), Fmt(r, "ppv"), Fmt(r, "sensitivity"));
    }
    html += "</table>";
  }
  return html + "</body></html>\n";
}

std::string ModelCard(const Json& manifest, const Json& report) {
  static const Json kEmpty = Json::Object();
  auto section = [&](const Json& j, std::string_view key) -> const Json& {
    const Json* v = j.Find(key);
    return v != nullptr ? *v : kEmpty;
  };
  const Json& data = section(manifest, "training_data");
  const Json& splits = section(data, "splits");
  std::string sources;
  for (const Json& s : section(data, "sources").items()) sources += StrCat("`", s.text(), "` ");
  std::string card = fmt::format(
      "# Model card: {}\n\n"
      "## Intended use\n"
      "Early warning of sepsis in adult inpatients (ward and ICU): a probability, updated hourly from the\n"
      "patient's vital signs and laboratory values, that sepsis onset is at most {} hours away. It is\n"
      "meant to prompt a clinician to look at the patient, never to diagnose or to trigger treatment by\n"
      "itself. Not for children, outpatients or the emergency department.\n\n"
      "## Data\n"
      "Sources: {}\n\n"
      "Training data fingerprint: `{}`. Patients were split by patient into train ({} stays),\n"
      "validation ({} stays, used for early stopping and the threshold) and test ({} stays).\n\n"
      "## Performance on the test patients\n"
      "| metric | model | NEWS2 ≥ 5 | qSOFA ≥ 2 |\n|---|---|---|---|\n",
      section(manifest, "name").text(), Fmt(section(manifest, "task"), "hours_before_onset", 0), sources,
      section(data, "fingerprint").text(), Fmt(section(splits, "train"), "stays", 0),
      Fmt(section(splits, "validation"), "stays", 0), Fmt(section(splits, "test"), "stays", 0));
  for (const auto& [key, label] : kRows) {
    card += fmt::format("| {} | {} | {} | {} |\n", label, MetricCell(report, key),
                        MetricCell(section(report, "news2"), key), MetricCell(section(report, "qsofa"), key));
  }
  card +=
      "\n## Limitations\n"
      "- Trained and tested here on the synthetic hospital (`vigil synth`, docs/synthetic-hospital.md) unless\n"
      "  the sources above say otherwise: its physiology is a model, and figures on it say nothing about\n"
      "  real patients. Validate on local data before any clinical use.\n"
      "- Performance moves between sites (case mix, measurement practice, devices): see the cross-site\n"
      "  section of report.json when present, and monitor after deployment.\n"
      "- Frequent measurement is itself a signal in the features (clinicians measure sick patients more\n"
      "  often); a change in charting practice changes the model's inputs.\n"
      "- Labels follow PhysioNet 2019 (positive from 6 h before onset); rows after onset + 3 h are not scored.\n";
  return card;
}

}  // namespace vigil::ai
