//! The archive as data: `outages.json`, `outages.csv` and `links.json`, read back with
//! real parsers (serde_json, the csv crate, and Python's `json` and `csv` modules) and
//! compared with what the authors wrote.

use std::collections::BTreeSet;

use crate::support::{SiteTest, slug, str_field, strings, toml_date};

/// The tag slugs of a JSON entry.
fn slugs(entry: &serde_json::Value) -> BTreeSet<String> {
    let tags = entry["tags"].as_array().expect("tags is a list");
    tags.iter()
        .map(|t| t["slug"].as_str().unwrap().to_string())
        .collect()
}

fn as_str(v: &serde_json::Value) -> Option<&str> {
    v.as_str()
}

#[test]
fn every_outage_and_link_is_in_the_data_files_as_written() {
    let site = SiteTest::fixture("second");
    let built = site.build();
    let outages = built.json("outages.json");
    let links = built.json("links.json");
    for doc in [&outages, &links] {
        assert_eq!(doc["schema"], "sitrep-data/1");
        assert_eq!(doc["home_page_url"], built.base_url());
    }
    let (outages, links) = (
        outages["outages"].as_array().unwrap(),
        links["links"].as_array().unwrap(),
    );
    let published = site.published();
    assert_eq!(
        built.json("outages.json")["generated"],
        published[0].date().to_string()
    );
    let (mut seen_outages, mut seen_links) = (0, 0);
    for issue in &published {
        let of = |rows: &[serde_json::Value]| -> Vec<serde_json::Value> {
            let n = issue.number();
            rows.iter()
                .filter(|r| r["issue_number"] == n)
                .cloned()
                .collect()
        };
        let issue_url = built.permalink(&format!("issues/{}/", issue.number()));
        let mut rows = of(outages);
        let mut written = issue.tables("outages");
        assert_eq!(rows.len(), written.len(), "outages of #{}", issue.number());
        // Newest first (by date): compared by service rather than by position.
        rows.sort_by_key(|r| r["service"].to_string());
        written.sort_by_key(|t| serde_json::Value::from(str_field(t, "service")).to_string());
        for (row, t) in rows.iter().zip(written) {
            assert_eq!(as_str(&row["service"]), str_field(t, "service"));
            assert_eq!(as_str(&row["url"]), str_field(t, "url"));
            assert_eq!(as_str(&row["title"]), str_field(t, "title"));
            let date = t.get("date").map(|d| toml_date(d).to_string());
            assert_eq!(as_str(&row["date"]), date.as_deref());
            let tags: BTreeSet<String> = strings(t, "tags").iter().map(|t| slug(t)).collect();
            assert_eq!(slugs(row), tags);
            assert_eq!(row["issue_url"], issue_url.as_str());
            let anchor = row["anchor_url"].as_str().unwrap();
            assert!(
                anchor.starts_with(&format!("{issue_url}#outage-")),
                "{anchor}"
            );
            seen_outages += 1;
        }
        let rows = of(links);
        let written = issue.tables("links");
        assert_eq!(rows.len(), written.len(), "links of #{}", issue.number());
        for (row, t) in rows.iter().zip(written) {
            for key in ["title", "url", "source", "via", "disclosure"] {
                assert_eq!(as_str(&row[key]), str_field(t, key), "{key}");
            }
            let tags: BTreeSet<String> = strings(t, "tags").iter().map(|t| slug(t)).collect();
            assert_eq!(slugs(row), tags);
            seen_links += 1;
        }
    }
    assert_eq!((outages.len(), links.len()), (seen_outages, seen_links));

    // The CSV holds the same outages, in the same order.
    let csv_text = built.read("outages.csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let header = reader.headers().unwrap().clone();
    assert_eq!(rows.len(), outages.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for (row, json) in rows.iter().zip(outages) {
        assert_eq!(&row[col("service")], json["service"].as_str().unwrap());
        assert_eq!(
            &row[col("anchor_url")],
            json["anchor_url"].as_str().unwrap()
        );
        let slugs: BTreeSet<String> = row[col("tag_slugs")]
            .split(';')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        assert_eq!(slugs, self::slugs(json));
    }
}

#[test]
fn escaping_traps_round_trip_through_python_json_and_csv() {
    let trap = "Quotes \\\"like this\\\", commas, a ]]> and\\na second line, <b>bold</b> & more.";
    let issue = format!(
        "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\ntitle = \"A \\\"quoted\\\", title\"\nurl = \"https://a.example/?x=1&y=2\"\ncommentary = \"{trap}\"\n\n[[outages]]\nservice = \"Comma, Inc.\"\ntitle = \"Down ]]> again\"\ncommentary = \"{trap}\"\n+++\n\nBody.\n"
    );
    let site = SiteTest::inline(&[
        (
            "config.toml",
            "title = \"Traps\"\nbase_url = \"https://traps.example/\"\n",
        ),
        ("content/issues/1.md", &issue),
    ]);
    let built = site.build();
    let script = r#"
import csv, json, sys
out = sys.argv[1]
outages = json.load(open(out + "/outages.json", encoding="utf-8"))["outages"]
links = json.load(open(out + "/links.json", encoding="utf-8"))["links"]
rows = list(csv.DictReader(open(out + "/outages.csv", encoding="utf-8", newline="")))
print(json.dumps([outages[0]["service"], outages[0]["title"], outages[0]["commentary_text"],
                  links[0]["title"], links[0]["url"], links[0]["commentary_text"],
                  rows[0]["service"], rows[0]["title"], rows[0]["commentary_text"]]))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(built.dir())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    // Markdown's smart punctuation curls the quotes, as on the page.
    let text = "Quotes \u{201c}like this\u{201d}, commas, a ]]> and a second line, bold & more.";
    let expected = [
        "Comma, Inc.",
        "Down ]]> again",
        text,
        "A \"quoted\", title",
        "https://a.example/?x=1&y=2",
        text,
        "Comma, Inc.",
        "Down ]]> again",
        text,
    ];
    assert_eq!(got, expected);
}
