//! Open data out: each format of a published plan read back by a parser of its own and held
//! against the public portal's figures (and IATI's against tracking's), on both backends; an
//! unpublished plan is not found; a published plan without data exports its targets alone.

use minsheng_app::import::{ImportOptions, import_plan};
use minsheng_app::open_data::{self, Format, json, table};
use minsheng_app::{AppError, demo, portal, tracking};
use minsheng_domain::{Actor, Cmp, PlanId, PlanKind, PlanStatus, Status, TargetKind, Thresholds};
use minsheng_store::Store;
use minsheng_store::testing::backends;
use quick_xml::events::Event;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

/// An element read back: its name, attributes, text and children.
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: HashMap<String, String>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub fn one<'a>(&'a self, name: &'a str) -> &'a Node {
        let mut it = self.all(name);
        let n = it
            .next()
            .unwrap_or_else(|| panic!("<{}> has no <{name}>", self.name));
        assert!(it.next().is_none(), "<{}> has two <{name}>", self.name);
        n
    }
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.get(name).map(String::as_str)
    }
}

/// Parses XML into [`Node`]s: quick-xml checks it is well-formed (an end tag that does not
/// match is an error) and unescapes text and attributes.
pub(crate) fn parse_xml(bytes: &[u8]) -> Node {
    fn open(e: &quick_xml::events::BytesStart) -> Node {
        let mut n = Node {
            name: e.name().as_ref().to_string(),
            ..Node::default()
        };
        for a in e.attributes() {
            let a = a.unwrap();
            n.attrs.insert(
                a.key.as_ref().to_string(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .into_owned(),
            );
        }
        n
    }
    let mut r = quick_xml::Reader::from_reader(bytes);
    let mut stack = vec![Node::default()];
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => {
                let n = open(&e);
                stack.last_mut().unwrap().children.push(n);
            }
            Event::End(_) => {
                let mut n = stack.pop().unwrap();
                n.text = n.text.trim().to_string();
                stack.last_mut().expect("one root").children.push(n);
            }
            Event::Text(t) => {
                let t = t.xml10_content();
                stack.last_mut().unwrap().text.push_str(&t);
            }
            Event::GeneralRef(e) => {
                // quick-xml 0.38+ hands entity references apart from the text around them.
                let name = e.xml10_content();
                let c = match name.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity &{other};"),
                };
                stack.last_mut().unwrap().text.push_str(c);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    assert_eq!(stack.len(), 1, "every element closed");
    let mut root = stack.pop().unwrap();
    assert_eq!(root.children.len(), 1, "one root element");
    root.children.pop().unwrap()
}

/// A second plan of the province with `status`, two items: a count and a rate.
async fn small_plan(store: &Store, status: PlanStatus) -> PlanId {
    let owner = store.unit_by_name("吉林省").await.unwrap().unwrap().id;
    let text = "某省2023年开放数据测试清单\n一、教育(2项)\n1.新建幼儿园10所。\n2.学前教育毛入园率达到92%以上。\n";
    let opts = ImportOptions {
        owner,
        kind: PlanKind::Livelihood,
        status,
        default_year: Some(2023),
    };
    import_plan(store, &Actor::new("office"), text, &opts)
        .await
        .unwrap()
        .plan
}

fn csv_rows(bytes: &[u8]) -> Vec<csv::StringRecord> {
    assert!(bytes.starts_with(open_data::csv::BOM), "UTF-8 with a BOM");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(&bytes[3..]);
    let header = r.headers().unwrap().clone();
    assert_eq!(header.iter().collect::<Vec<_>>(), table::COLUMNS.to_vec());
    r.records().map(|x| x.unwrap()).collect()
}

fn col(name: &str) -> usize {
    table::COLUMNS
        .iter()
        .position(|c| c.ends_with(&format!("/{name}")))
        .unwrap()
}

/// What every export writes of a figure: six places at most.
fn r6(d: Decimal) -> Decimal {
    d.round_dp(6)
}

fn num(s: &str) -> Decimal {
    s.parse().unwrap_or_else(|_| panic!("a number: {s:?}"))
}

#[tokio::test]
async fn every_format_reads_back_to_the_portals_figures() {
    for db in backends().await {
        let l = db.label;
        let th = Thresholds::default();
        demo::build(&db.store).await.unwrap();
        let issued = demo::issue_bulletins(&db.store, &th).await.unwrap();
        assert!(issued > 0, "{l}");
        let today = demo::DEMO_AS_OF;
        let plan = db.store.plans().await.unwrap()[0].id;
        let open = open_data::gather(&db.store, plan, today, &th)
            .await
            .unwrap();

        // The portal month by month, asked here on its own.
        let latest = portal::public_plan(&db.store, plan, None, today, &th)
            .await
            .unwrap();
        assert!(latest.months.len() >= 8, "{l}: {:?}", latest.months);
        let mut by_month = Vec::new();
        for m in &latest.months {
            let code = m.to_string();
            by_month.push(
                portal::public_plan(&db.store, plan, Some(&code), today, &th)
                    .await
                    .unwrap(),
            );
        }

        // CSV: per month, the targets as a whole and then their regional shares, exactly as
        // the portal shows them.
        let csv = Format::Csv.write(&open).unwrap();
        let rows = csv_rows(&csv);
        let mut expected = 0;
        for p in &by_month {
            let code = p.period.unwrap().to_string();
            let of_month: Vec<_> = rows.iter().filter(|r| r[col("period")] == code).collect();
            let wholes: Vec<_> = of_month
                .iter()
                .filter(|r| r[col("region")].is_empty())
                .collect();
            let targets: Vec<_> = p
                .sections
                .iter()
                .flat_map(|s| {
                    s.commitments
                        .iter()
                        .flat_map(move |c| c.targets.iter().map(move |t| (s, c, t)))
                })
                .collect();
            assert_eq!(wholes.len(), targets.len(), "{l} {code}");
            for (r, (s, c, t)) in wholes.iter().zip(&targets) {
                assert_eq!(&r[col("section_no")], s.no.to_string());
                assert_eq!(&r[col("item_no")], c.no.to_string());
                assert_eq!(&r[col("item")], c.text);
                assert_eq!(&r[col("target")], t.phrase);
                assert_eq!(&r[col("comparison")], t.cmp.code());
                assert_eq!(&r[col("deadline")], t.deadline.to_string());
                assert_eq!(
                    &r[col("status_code")],
                    t.status.map(Status::code).unwrap_or("")
                );
                assert_eq!(
                    &r[col("status")],
                    t.status.map(portal::status_zh).unwrap_or(""),
                    "{l}: the portal's words"
                );
                if t.kind == TargetKind::Quantity {
                    assert_eq!(num(&r[col("target_value")]), t.quantity.value);
                    assert_eq!(&r[col("unit")], t.quantity.unit);
                    match t.value {
                        Some(v) => assert_eq!(num(&r[col("value")]), r6(v), "{l} {}", t.phrase),
                        None => assert!(r[col("value")].is_empty()),
                    }
                }
                if let Some(c) = t.completion {
                    assert_eq!(num(&r[col("completion")]), c.round_dp(4));
                }
            }
            for (_, c, t) in &targets {
                let shares: Vec<_> = of_month
                    .iter()
                    .filter(|r| {
                        r[col("item_no")] == c.no.to_string()
                            && r[col("target")] == t.phrase
                            && !r[col("region")].is_empty()
                    })
                    .collect();
                assert_eq!(shares.len(), t.regions.len(), "{l} {code} {}", t.phrase);
                for (r, s) in shares.iter().zip(&t.regions) {
                    assert_eq!(&r[col("region")], s.region);
                    assert_eq!(&r[col("status_code")], s.status.code());
                    match s.quota.filter(|_| t.kind == TargetKind::Quantity) {
                        Some(q) => assert_eq!(num(&r[col("quota")]), q),
                        None => assert!(r[col("quota")].is_empty(), "{l}: a stage has no quota"),
                    }
                    if t.kind == TargetKind::Quantity {
                        assert_eq!(num(&r[col("value")]), r6(s.value));
                    }
                }
                expected += 1 + t.regions.len();
            }
        }
        assert_eq!(rows.len(), expected, "{l}: nothing else in the file");
        let jobs = rows
            .iter()
            .find(|r| {
                r[col("target")].contains("城镇新增就业23万人") && r[col("region")].is_empty()
            })
            .unwrap();
        assert_eq!(num(&jobs[col("target_value")]), Decimal::from(230_000));
        assert_eq!(&jobs[col("unit")], "人");
        assert!(
            rows.iter().any(|r| &r[col("region")] == "长春市"),
            "{l}: by region"
        );

        // JSON: reads back into its own shape, equal; the latest figures are the portal's.
        let bytes = Format::Json.write(&open).unwrap();
        let doc: json::Doc = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(doc, json::doc(&open), "{l}: round trip");
        assert_eq!(doc.v, json::VERSION);
        assert_eq!(doc.periods.len(), by_month.len());
        let last = latest.period.unwrap().to_string();
        let targets: Vec<_> = doc.commitments.iter().flat_map(|c| &c.targets).collect();
        let portal_targets: Vec<_> = latest
            .sections
            .iter()
            .flat_map(|s| &s.commitments)
            .flat_map(|c| &c.targets)
            .collect();
        assert_eq!(targets.len(), portal_targets.len());
        for (d, t) in targets.iter().zip(&portal_targets) {
            assert_eq!(d.id, t.id.0);
            let p = d.progress.last().unwrap();
            assert_eq!(p.period, last);
            assert_eq!(p.status.as_deref(), t.status.map(Status::code));
            if t.kind == TargetKind::Quantity {
                assert_eq!(p.value.as_deref().map(num), t.value.map(r6));
            }
            assert_eq!(p.regions.len(), t.regions.len());
        }
        let region_rows: usize = by_month.iter().map(|p| p.regions.len()).sum();
        assert_eq!(doc.regions.len(), region_rows, "{l}");
        let bulletins = db.store.bulletins_of_plan(plan).await.unwrap();
        let public: Vec<_> = bulletins
            .iter()
            .filter(|b| !b.is_draft() && b.public)
            .collect();
        assert_eq!(doc.bulletins.len(), public.len(), "{l}");
        assert!(!public.is_empty());

        // XLSX: the CSV's table, numbers as numbers.
        use calamine::{Data, Reader, Xlsx};
        let xlsx = Format::Xlsx.write(&open).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
        let range = book.worksheet_range(open_data::xlsx::SHEET).unwrap();
        let sheet: Vec<_> = range.rows().collect();
        assert_eq!(sheet.len(), rows.len() + 1, "{l}");
        for (c, h) in table::COLUMNS.iter().enumerate() {
            assert_eq!(sheet[0][c], Data::String((*h).into()));
        }
        for (x, r) in sheet[1..].iter().zip(&rows) {
            for (c, cell) in x.iter().enumerate() {
                match cell {
                    Data::Float(f) => {
                        let want: f64 = r[c].parse().unwrap();
                        assert!((f - want).abs() < 1e-9, "{l}: {f} vs {}", &r[c]);
                    }
                    Data::Int(i) => assert_eq!(i.to_string(), r[c]),
                    Data::String(s) => assert_eq!(s, &r[c]),
                    Data::Empty => assert!(r[c].is_empty()),
                    other => panic!("{l}: unexpected cell {other:?}"),
                }
            }
        }

        // Atom: a feed with its id, title, updated and author; every entry with a stable id
        // of its own; a status entry for each change the portal shows month by month, and
        // one per public bulletin; newest first.
        let atom = Format::Atom.write(&open).unwrap();
        let feed = parse_xml(&atom);
        assert_eq!(feed.name, "feed");
        assert_eq!(feed.attr("xmlns"), Some(open_data::atom::NS));
        assert_eq!(feed.one("id").text, format!("urn:minsheng:plan:{plan}"));
        assert!(feed.one("title").text.contains(&latest.summary.title));
        assert_eq!(feed.one("author").one("name").text, latest.summary.owner);
        let entries: Vec<&Node> = feed.all("entry").collect();
        let ids: HashSet<&str> = entries.iter().map(|e| e.one("id").text.as_str()).collect();
        assert_eq!(ids.len(), entries.len(), "{l}: ids unique");
        let updated: Vec<jiff::Timestamp> = entries
            .iter()
            .map(|e| e.one("updated").text.parse().unwrap())
            .collect();
        assert!(
            updated.windows(2).all(|w| w[0] >= w[1]),
            "{l}: newest first"
        );
        let feed_updated: jiff::Timestamp = feed.one("updated").text.parse().unwrap();
        assert_eq!(Some(&feed_updated), updated.iter().max());
        let mut changes = 0;
        let mut before: HashMap<i64, Status> = HashMap::new();
        for p in &by_month {
            let m = p.period.unwrap();
            for t in p
                .sections
                .iter()
                .flat_map(|s| &s.commitments)
                .flat_map(|c| &c.targets)
            {
                let Some(now) = t.status else { continue };
                if before.insert(t.id.0, now) != Some(now) {
                    changes += 1;
                    let id = format!("urn:minsheng:plan:{plan}:target:{}:status:{m}", t.id);
                    let e = entries
                        .iter()
                        .find(|e| e.one("id").text == id)
                        .unwrap_or_else(|| panic!("{l}: no entry {id}"));
                    assert_eq!(e.one("category").attr("term"), Some(now.code()));
                    assert!(e.one("title").text.contains(portal::status_zh(now)));
                    assert!(
                        e.one("link")
                            .attr("href")
                            .unwrap()
                            .ends_with(&format!("?period={m}"))
                    );
                }
            }
        }
        let bulletin_entries = entries
            .iter()
            .filter(|e| e.one("category").attr("term") == Some("bulletin"))
            .count();
        assert_eq!(bulletin_entries, public.len(), "{l}");
        assert_eq!(entries.len(), changes + public.len(), "{l}: nothing else");
        // The same data and day give the same feed.
        let again = open_data::gather(&db.store, plan, today, &th)
            .await
            .unwrap();
        assert_eq!(Format::Atom.write(&again).unwrap(), atom, "{l}: stable");

        // IATI: one activity; a result per target whose values are tracking's.
        let tracked = tracking::tracking(&db.store, plan, latest.period.unwrap(), today, &th)
            .await
            .unwrap();
        let xml = Format::Iati.write(&open).unwrap();
        let root = parse_xml(&xml);
        assert_eq!(root.name, "iati-activities");
        assert_eq!(root.attr("version"), Some("2.03"));
        let act = root.one("iati-activity");
        assert_eq!(act.attr("xml:lang"), Some("zh"));
        assert_eq!(act.one("title").one("narrative").text, latest.summary.title);
        let results: Vec<_> = act.all("result").collect();
        assert_eq!(results.len(), tracked.targets.len(), "{l}");
        let mut percentages = 0;
        for (r, t) in results.iter().zip(&tracked.targets) {
            let target = &t.target;
            let ind = r.one("indicator");
            assert_eq!(ind.one("title").one("narrative").text, target.phrase);
            let measure = match target.kind {
                TargetKind::Stage => "5",
                TargetKind::Quantity if target.quantity.unit == "%" => {
                    percentages += 1;
                    "2"
                }
                TargetKind::Quantity => "1",
            };
            assert_eq!(ind.attr("measure"), Some(measure), "{}", target.phrase);
            let ascending = match target.cmp {
                Cmp::Ge => Some("1"),
                Cmp::Le => Some("0"),
                Cmp::Approx | Cmp::Eq => None,
            };
            assert_eq!(ind.attr("ascending"), ascending, "{}", target.phrase);
            let period = ind.one("period");
            assert_eq!(
                period.one("period-end").attr("iso-date"),
                Some(target.deadline.to_string().as_str())
            );
            let whole_target = period.all("target").next().unwrap();
            let whole_actual = period.all("actual").next().unwrap();
            if target.kind == TargetKind::Quantity {
                assert_eq!(
                    num(whole_target.attr("value").unwrap()),
                    target.quantity.value
                );
                match t.rollup.value {
                    Some(v) => assert_eq!(num(whole_actual.attr("value").unwrap()), r6(v)),
                    None => assert_eq!(whole_actual.attr("value"), None),
                }
                // The regional actuals: tracking's shares with a quota, by dimension.
                let shares: Vec<_> = t.shares.iter().filter(|a| a.quota.is_some()).collect();
                let regional: Vec<_> = period.all("actual").skip(1).collect();
                assert_eq!(regional.len(), shares.len(), "{}", target.phrase);
                for (x, a) in regional.iter().zip(shares) {
                    assert_eq!(x.one("dimension").attr("name"), Some("地区"));
                    assert_eq!(num(x.attr("value").unwrap()), r6(a.value));
                }
            }
        }
        assert!(percentages > 0, "{l}: the demo has rates in %");
        db.finish().await;
    }
}

#[tokio::test]
async fn an_unpublished_plan_is_not_found_and_one_without_data_exports_its_targets() {
    for db in backends().await {
        let l = db.label;
        let th = Thresholds::default();
        demo::build(&db.store).await.unwrap();
        let today = demo::DEMO_AS_OF;
        for status in [PlanStatus::Draft, PlanStatus::Confirmed] {
            let id = small_plan(&db.store, status).await;
            let e = open_data::gather(&db.store, id, today, &th)
                .await
                .unwrap_err();
            assert!(
                matches!(e, AppError::NotFound { what: "plan", .. }),
                "{l}: {e}"
            );
        }
        let e = open_data::gather(&db.store, PlanId(987_654), today, &th)
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::NotFound { .. }), "{l}: {e}");

        let id = small_plan(&db.store, PlanStatus::Published).await;
        let open = open_data::gather(&db.store, id, today, &th).await.unwrap();
        assert!(open.periods.is_empty());
        let rows = csv_rows(&Format::Csv.write(&open).unwrap());
        assert_eq!(rows.len(), 2, "{l}: one row per target, no figures");
        assert!(
            rows.iter()
                .all(|r| r[col("period")].is_empty() && r[col("status")].is_empty())
        );
        assert_eq!(num(&rows[1][col("target_value")]), Decimal::from(92));
        assert_eq!(&rows[1][col("unit")], "%");
        let doc: json::Doc = serde_json::from_slice(&Format::Json.write(&open).unwrap()).unwrap();
        assert!(doc.periods.is_empty() && doc.regions.is_empty() && doc.bulletins.is_empty());
        let feed = parse_xml(&Format::Atom.write(&open).unwrap());
        assert_eq!(feed.all("entry").count(), 0);
        assert_eq!(
            feed.one("updated").text.parse::<jiff::Timestamp>().unwrap(),
            today
                .at(0, 0, 0, 0)
                .to_zoned(minsheng_app::clock::beijing())
                .unwrap()
                .timestamp()
        );
        let iati = parse_xml(&Format::Iati.write(&open).unwrap());
        let results: Vec<_> = iati.one("iati-activity").all("result").collect();
        assert_eq!(results.len(), 2);
        assert_eq!(results[1].one("indicator").attr("measure"), Some("2"));
        assert_eq!(
            results[1]
                .one("indicator")
                .one("period")
                .all("actual")
                .count(),
            0
        );
        db.finish().await;
    }
}
