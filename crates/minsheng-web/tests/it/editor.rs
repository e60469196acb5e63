//! The plan editor: paste or upload, preview beside the text, correct, confirm, publish.

use crate::support::{Page, demo_sign_in, enc, get_as, post_as, send, state};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minsheng_app::demo::{self, JILIN_2023};
use minsheng_domain::{PlanStatus, TargetKind};
use minsheng_store::Store;
use minsheng_store::testing::backends;
use minsheng_web::AppState;

/// Undoes askama's escaping of a value (`&#34;` and the named few).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').unwrap();
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            n => char::from_u32(n.trim_start_matches('#').parse().unwrap()).unwrap(),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let at = tag.find(&key)? + key.len();
    let end = tag[at..].find('"')? + at;
    Some(unescape(&tag[at..end]))
}

/// What a browser would send for the form `id` of `html`: its inputs (checkboxes only when
/// checked), textareas and selected options, in document order.
fn form_fields(html: &str, id: &str) -> Vec<(String, String)> {
    let start = html.find(&format!("id=\"{id}\"")).expect("the form");
    let form = &html[start..start + html[start..].find("</form>").unwrap()];
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap() + 1;
        let tag = &rest[..tag_end];
        if tag.starts_with("<input") {
            let checkbox = tag.contains("type=\"checkbox\"");
            if let Some(name) = attr(tag, "name")
                && (!checkbox || tag.contains(" checked"))
            {
                out.push((name, attr(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let close = rest.find("</textarea>").unwrap();
            out.push((attr(tag, "name").unwrap(), unescape(&rest[tag_end..close])));
        } else if tag.starts_with("<select") {
            let close = rest.find("</select>").unwrap();
            let options = &rest[tag_end..close];
            let chosen = options
                .split("<option")
                .find(|o| o.contains(" selected"))
                .or_else(|| options.split("<option").nth(1))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            out.push((attr(tag, "name").unwrap(), chosen));
        }
        rest = &rest[tag_end..];
    }
    out
}

fn encode(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

fn get_field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    &fields.iter().find(|(k, _)| k == name).unwrap().1
}

async fn province(store: &Store) -> String {
    store
        .unit_by_name("吉林省")
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

/// The demo, served as of its day, with the office signed in.
async fn office_on_demo(store: &Store) -> (AppState, String) {
    demo::build(store).await.unwrap();
    let st = state(store, true);
    let office = demo_sign_in(&st, "office").await;
    (st, office)
}

/// Posts the confirm form.
async fn confirm(st: &AppState, cookie: &str, fields: &[(String, String)]) -> Page {
    post_as(st, cookie, "/plans/new/confirm", &encode(fields)).await
}

/// The office pastes the Jilin text and gets the preview.
async fn preview_jilin(st: &AppState, cookie: &str) -> Page {
    let owner = province(&st.store).await;
    let form = format!(
        "text={}&kind=livelihood&year=&owner={owner}",
        enc(JILIN_2023)
    );
    post_as(st, cookie, "/plans/new/preview", &form).await
}

/// The preview's form with every empty unit filled (the Jilin text has two targets without a
/// written unit: 清零 and 惠及70万农村居民), ready to confirm.
fn completed(preview: &str) -> Vec<(String, String)> {
    let mut fields = form_fields(preview, "plan-confirm-form");
    for (k, v) in fields.iter_mut() {
        // The targets read (not the empty rows for adding one: `…-aN`).
        if k.starts_with("unit-") && !k.contains("-a") && !k.starts_with("unit-n") && v.is_empty() {
            *v = "户".into();
        }
    }
    fields
}

#[tokio::test]
async fn the_jilin_text_pasted_is_proposed_beside_it_with_every_phrase_highlighted() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;

        let new = get_as(&st, &office, "/plans/new").await;
        assert_eq!(new.status, StatusCode::OK, "{}", db.label);
        assert!(new.body.contains("id=\"plan-text-form\""));
        assert!(new.body.contains("enctype=\"multipart/form-data\""));
        assert!(new.body.contains("name=\"text\"") && new.body.contains("name=\"file\""));
        assert!(
            new.body
                .contains("<option value=\"major_projects\">重大项目</option>")
        );

        let p = preview_jilin(&st, &office).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", db.label, p.body);
        let page = &p.body;
        assert!(page.contains("id=\"plan-confirm-form\""));
        assert_eq!(page.matches("class=\"proposed-item\"").count(), 50);
        assert_eq!(page.matches("<span class=\"item-span\"").count(), 50);
        let marks = page.matches("<mark class=\"target-phrase\"").count();
        let targets = page.matches("<tr class=\"proposed-target\"").count();
        assert!(targets > 50, "{targets}");
        assert_eq!(
            marks, targets,
            "every proposed target is highlighted in the text"
        );
        assert!(page.contains(
            "<mark class=\"target-phrase\" data-target=\"0-0-1\" title=\"目标 1\">城镇新增就业23万人</mark>"
        ));
        // The false claim of fourteen sections, about the whole document.
        let notes = &page[page.find("id=\"document-notes\"").unwrap()..];
        assert!(notes[..notes.find("</div>").unwrap()].contains("class=\"diagnostic warning\""));
        // Each item's diagnostics stand in that item's box: 第2项 states no number.
        let item = &page[page.find("id=\"item-0-1\"").unwrap()..];
        let item = &item[..item.find("class=\"proposed-item\"").unwrap()];
        assert!(item.contains("class=\"diagnostic"), "{item}");
        // The two targets without a written unit are flagged before confirming.
        assert_eq!(page.matches("请填写计量单位").count(), 2);
        // Prefilled: the year the text states, the values as read.
        let fields = form_fields(page, "plan-confirm-form");
        assert_eq!(get_field(&fields, "year"), "2023");
        assert_eq!(get_field(&fields, "value-0-0-0"), "230000");
        assert_eq!(get_field(&fields, "unit-0-0-0"), "人");
        assert_eq!(get_field(&fields, "cmp-0-0-0"), "ge");
        assert_eq!(get_field(&fields, "text"), JILIN_2023.replace("\r\n", "\n"));

        // A livelihood list proposes no projects; the same text as a major-projects plan
        // lists the three projects its article reads as, with what was read of each.
        assert!(!page.contains("id=\"editor-projects\""));
        let owner = province(&st.store).await;
        let form = format!(
            "text={}&kind=major_projects&year=2023&owner={owner}",
            enc(JILIN_2023)
        );
        let projects = post_as(&st, &office, "/plans/new/preview", &form).await;
        assert_eq!(projects.status, StatusCode::OK, "{}", db.label);
        let panel = &projects.body[projects.body.find("id=\"editor-projects\"").unwrap()..];
        let panel = &panel[..panel.find("</div>").unwrap()];
        assert_eq!(
            panel.matches("class=\"editor-project\"").count(),
            3,
            "{panel}"
        );
        assert!(panel.contains("<b>奥迪一汽新能源汽车项目</b>"), "{panel}");
        assert!(panel.contains("总投资350亿元"), "{panel}");

        // English: the same proposal in the other language.
        let en = format!("{office}; lang=en");
        let p = preview_jilin(&st, &en).await;
        assert!(p.body.contains("Check what was read") && !p.body.contains("核对识别结果"));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_corrected_plan_is_stored_as_corrected_and_confirmed() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let p = preview_jilin(&st, &office).await;
        let mut fields = completed(&p.body);
        set(&mut fields, "value-0-0-0", "24万");
        set(&mut fields, "cmp-0-0-0", "approx");
        set(&mut fields, "title-0-0", "城镇新增就业24万人(已核对)");
        set(&mut fields, "drop-0-0-1", "1");
        set(&mut fields, "year", "2024");

        let r = confirm(&st, &office, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", db.label, r.body);
        let to = r.location.unwrap();
        let id: i64 = to.trim_start_matches("/plans/").parse().unwrap();
        let plan = db.store.plan(minsheng_domain::PlanId(id)).await.unwrap();
        assert_eq!(plan.status, PlanStatus::Confirmed);
        assert_eq!(plan.year, 2024);
        assert_eq!(plan.source_text, JILIN_2023.replace("\r\n", "\n"));
        let items = db.store.items(plan.id).await.unwrap();
        assert_eq!(items.len(), 50);
        assert_eq!(items[0].text, "城镇新增就业24万人(已核对)");
        let first: Vec<_> = db
            .store
            .targets(plan.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.item == items[0].id)
            .collect();
        assert_eq!(first.len(), 1, "the dropped target is not stored");
        assert_eq!(first[0].quantity.value, 240_000.into());
        assert_eq!(first[0].quantity.unit, "人");
        assert_eq!(first[0].cmp, minsheng_domain::Cmp::Approx);
        assert_eq!(first[0].phrase, "城镇新增就业23万人");
        assert_eq!(first[0].deadline, jiff::civil::date(2024, 12, 31));
        assert_eq!(first[0].kind, TargetKind::Quantity);
        let events = db.store.audit_events("plan", id).await.unwrap();
        assert_eq!(events[0].actor, "office");

        // The plan's page shows it, with the button to publish it.
        let page = get_as(&st, &office, &to).await;
        assert!(page.body.contains("id=\"publish-form\""), "{}", db.label);
        assert!(page.body.contains("约 24万人"));
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_corrections_are_refused_beside_their_field_and_nothing_is_written() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let p = preview_jilin(&st, &office).await;
        let good = completed(&p.body);
        let start = get_field(&good, "start-0-0-0").to_string();
        let plans = db.store.plans().await.unwrap().len();
        let audit = db.store.audit_count().await.unwrap();
        let cases: [(&str, &str, &str); 9] = [
            ("value-0-0-0", "二十三万", "不是数值"),
            ("value-0-0-0", "", "不是数值"),
            ("unit-0-0-0", "  ", "请填写计量单位"),
            ("cmp-0-0-0", "more", "请选择比较方式"),
            ("start-0-0-0", "0", "不在该事项的文字之内"),
            ("end-0-0-0", &start, "不在该事项的文字之内"),
            ("title-0-1", " ", "事项内容不能为空"),
            ("year", "23", "不是 1949—2100 之间的年份"),
            ("value-9-9-9", "1", "对不上"),
        ];
        for (field, value, message) in cases {
            let mut fields = good.clone();
            set(&mut fields, field, value);
            let r = confirm(&st, &office, &fields).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{field}={value} on {}",
                db.label
            );
            assert!(r.body.contains(message), "{field}: {message}");
            assert!(r.body.contains("id=\"to-fix\""));
            // Shown again with what was typed, next to the refusal.
            let again = form_fields(&r.body, "plan-confirm-form");
            if ["value-0-0-0", "start-0-0-0", "end-0-0-0", "year"].contains(&field) {
                assert_eq!(get_field(&again, field), value, "{field}");
            }
        }
        // The text as pasted, without the two missing units filled in.
        let fields = form_fields(&p.body, "plan-confirm-form");
        let r = confirm(&st, &office, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let unit = r.body.find("请填写计量单位").unwrap();
        let cell = r.body[..unit].rfind("<td>").unwrap();
        assert!(
            r.body[cell..unit].contains("name=\"unit-"),
            "the message is beside the unit"
        );
        // A text that no longer matches the form.
        let mut fields = good.clone();
        set(&mut fields, "text", "一、教育(1项)\n1.新建幼儿园10所。\n");
        let r = confirm(&st, &office, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A text with no numbered item, and nothing else.
        let bare = [
            ("text".to_string(), "只是一段话,没有编号事项。".to_string()),
            ("kind".to_string(), "livelihood".to_string()),
            ("owner".to_string(), get_field(&good, "owner").to_string()),
        ];
        let r = confirm(&st, &office, &bare).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("未从文中识别出任何编号事项"));

        assert_eq!(db.store.plans().await.unwrap().len(), plans, "{}", db.label);
        assert_eq!(db.store.audit_count().await.unwrap(), audit);
        // And the good form goes through.
        let r = confirm(&st, &office, &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        db.finish().await;
    }
}

#[tokio::test]
async fn an_empty_or_unreadable_text_is_refused_on_the_first_page() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let owner = province(&db.store).await;
        for (form, message) in [
            (
                format!("text=&kind=livelihood&owner={owner}"),
                "请粘贴计划文本",
            ),
            (
                format!(
                    "text={}&kind=livelihood&owner={owner}",
                    enc("只是一段话,没有编号事项。")
                ),
                "未从文中识别出任何编号事项",
            ),
            (
                format!("text=1.x&kind=nonsense&owner={owner}"),
                "请选择计划类别",
            ),
            (
                "text=1.x&kind=livelihood&owner=999999".to_string(),
                "请选择计划所属单位",
            ),
        ] {
            let r = post_as(&st, &office, "/plans/new/preview", &form).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{form}");
            assert!(r.body.contains("id=\"plan-text-form\""));
            assert!(r.body.contains(message), "{message}: {}", r.body);
        }
        db.finish().await;
    }
}

fn multipart(file: &[u8], owner: &str) -> Request<Body> {
    multipart_named(file, "plan.txt", owner)
}

fn multipart_named(file: &[u8], file_name: &str, owner: &str) -> Request<Body> {
    let b = "----minsheng-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [
        ("text", ""),
        ("kind", "livelihood"),
        ("year", ""),
        ("owner", owner),
    ] {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    Request::post("/plans/new/preview")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={b}"),
        )
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn an_uploaded_file_in_gb18030_is_read_like_pasted_text() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let owner = province(&db.store).await;
        let text = "某市2024年民生实事\r\n一、教育(2项)\r\n1.新建幼儿园10所。\r\n2.改造校舍3万平方米。\r\n";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        let mut req = multipart(&gb, &owner);
        req.headers_mut()
            .insert(header::COOKIE, office.parse().unwrap());
        let p = send(&st, req).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", db.label, p.body);
        assert_eq!(p.body.matches("class=\"proposed-item\"").count(), 2);
        assert!(p.body.contains(">新建幼儿园10所</mark>"), "{}", p.body);
        let fields = form_fields(&p.body, "plan-confirm-form");
        assert_eq!(get_field(&fields, "year"), "2024");
        // The text travels with LF line breaks, so its spans hold when it comes back.
        assert_eq!(get_field(&fields, "text"), text.replace("\r\n", "\n"));
        let r = confirm(&st, &office, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

        // A file that is not text.
        let mut req = multipart(&[0x50, 0x4B, 0x03, 0x04, 0x00, 0xFF, 0xFE, 0xFF], &owner);
        req.headers_mut()
            .insert(header::COOKIE, office.parse().unwrap());
        let p = send(&st, req).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            p.body.contains("id=\"text-error\"") && p.body.contains("已损坏"),
            "{}",
            p.body
        );
        db.finish().await;
    }
}

/// The raw answer to `GET uri`: status, headers and the bytes of the body.
async fn raw_get(
    st: &AppState,
    cookie: &str,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let req = Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = minsheng_web::router(st.clone()).oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, headers, bytes)
}

/// A plan list uploaded as a spreadsheet (#19) is read by its content, shown as read beside
/// the proposal, and kept with the plan once confirmed: the office downloads it from the
/// plan's page as it was uploaded; a unit may not. A file over the limit is refused naming it.
#[tokio::test]
async fn an_uploaded_spreadsheet_is_read_and_kept_with_the_plan() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let owner = province(&db.store).await;
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let rows = [
            ["序号", "目标任务", "牵头单位"],
            ["1", "新建幼儿园10所。", "市教育局"],
            ["2", "改造老旧小区20个。", "市住建局"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                sheet.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        let xlsx = book.save_to_buffer().unwrap();
        let mut req = multipart_named(&xlsx, "2024年任务清单.xlsx", &owner);
        req.headers_mut()
            .insert(header::COOKIE, office.parse().unwrap());
        let p = send(&st, req).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", db.label, p.body);
        assert!(
            p.body.contains("id=\"read-from\"") && p.body.contains("XLSX"),
            "{}",
            p.body
        );
        assert!(
            p.body.contains("1 | 新建幼儿园10所。 | 市教育局"),
            "{}",
            p.body
        );
        let mut fields = form_fields(&p.body, "plan-confirm-form");
        assert!(!get_field(&fields, "source_file").is_empty());
        set(&mut fields, "year", "2024");
        let r = confirm(&st, &office, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", db.label, r.body);
        let plan_uri = r.location.clone().unwrap();
        let page = get_as(&st, &office, &plan_uri).await;
        let at = page
            .body
            .find("class=\"plan-source\"")
            .expect("the file on the plan's page");
        let href_at = page.body[..at].rfind("href=\"").unwrap() + 6;
        let href = &page.body[href_at..href_at + page.body[href_at..].find('"').unwrap()];
        let (status, headers, bytes) = raw_get(&st, &office, href).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, xlsx, "{}: the file as uploaded", db.label);
        let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
        assert!(
            disposition.contains("filename*=UTF-8''2024"),
            "{disposition}"
        );
        // A unit does not download the office's source files.
        let unit = demo_sign_in(&st, "220100").await;
        assert_eq!(get_as(&st, &unit, href).await.status, StatusCode::FORBIDDEN);

        // Over the limit: refused on the first page, the limit named.
        let big = vec![b'a'; minsheng_app::intake::MAX_FILE_BYTES + 10];
        let mut req = multipart_named(&big, "big.txt", &owner);
        req.headers_mut()
            .insert(header::COOKIE, office.parse().unwrap());
        let p = send(&st, req).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
        assert!(p.body.contains("20 MB"), "{}", p.body);
        db.finish().await;
    }
}

#[tokio::test]
async fn publishing_a_confirmed_plan_puts_it_on_the_portal() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let p = preview_jilin(&st, &office).await;
        let mut fields = completed(&p.body);
        set(&mut fields, "year", "2024");
        let r = confirm(&st, &office, &fields).await;
        let to = r.location.unwrap();
        let id = to.trim_start_matches("/plans/").to_string();

        let public = get_as(&st, "", &format!("/public/plans/{id}")).await;
        assert_eq!(public.status, StatusCode::NOT_FOUND, "not yet published");

        let r = post_as(&st, &office, &format!("{to}/publish"), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", db.label);
        assert_eq!(r.location.as_deref(), Some(to.as_str()));
        let plan = db
            .store
            .plan(minsheng_domain::PlanId(id.parse().unwrap()))
            .await
            .unwrap();
        assert_eq!(plan.status, PlanStatus::Published);
        let events = db.store.audit_events("plan", plan.id.0).await.unwrap();
        let last = events.last().unwrap();
        assert_eq!(
            (last.actor.as_str(), last.action.as_str()),
            ("office", "update")
        );

        let public = get_as(&st, "", &format!("/public/plans/{id}")).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(
            public.body.contains("id=\"no-data\""),
            "nothing reported yet"
        );
        assert_eq!(public.body.matches("<tr class=\"commitment\">").count(), 50);

        // Publishing twice, or a plan that does not exist, is refused.
        let r = post_as(&st, &office, &format!("{to}/publish"), "").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("已公开"));
        let r = post_as(&st, &office, "/plans/999999/publish", "").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        db.finish().await;
    }
}

#[tokio::test]
async fn only_the_office_may_use_the_editor() {
    for db in backends().await {
        demo::build(&db.store).await.unwrap();
        let st = state(&db.store, true);
        let plan = db.store.plans().await.unwrap()[0].id;
        let owner = province(&db.store).await;
        let preview_form = format!(
            "text={}&kind=livelihood&owner={owner}",
            enc("一、教育(1项)\n1.新建幼儿园10所。\n")
        );
        let audit = db.store.audit_count().await.unwrap();
        for who in ["220100", "leader", "省人力资源和社会保障厅"] {
            let cookie = demo_sign_in(&st, who).await;
            let r = get_as(&st, &cookie, "/plans/new").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} on {}", db.label);
            for (uri, form) in [
                ("/plans/new/preview", preview_form.as_str()),
                ("/plans/new/confirm", preview_form.as_str()),
                ("/plans/new/revise", preview_form.as_str()),
                (&format!("/plans/{plan}/publish") as &str, ""),
            ] {
                let r = post_as(&st, &cookie, uri, form).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} posting {uri}");
            }
        }
        // Nobody signed in is sent to sign in.
        let r = get_as(&st, "", "/plans/new").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.location.unwrap().starts_with("/login"));
        let r = post_as(&st, "", "/plans/new/confirm", &preview_form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(
            db.store.audit_count().await.unwrap(),
            audit,
            "nothing written"
        );
        db.finish().await;
    }
}

/// A short plan with what the extractor gets wrong: item 1's second target (厕所全部完成改造)
/// is missed, item 3 stands in the wrong section, item 4's scope (惠及居民5000户) is read as a
/// target, and the last commitment has no number, so it is no item.
const SHORT: &str = "某市2024年民生实事项目
一、教育(2项)
1.新建幼儿园10所,农村学校厕所全部完成改造。
2.为中小学配备校医,力争覆盖率达到九成。
3.新增公共停车泊位1500个。
二、城建(2项)
4.改造老旧小区20个,惠及居民5000户。
此外,建设社区食堂5个。
";

async fn preview_short(st: &AppState, cookie: &str) -> Page {
    let owner = province(&st.store).await;
    let form = format!("text={}&kind=livelihood&year=&owner={owner}", enc(SHORT));
    post_as(st, cookie, "/plans/new/preview", &form).await
}

/// Whether `message` stands beside the field `name`: after it, before the next field.
fn beside(html: &str, name: &str, message: &str) -> bool {
    let Some(at) = html.find(&format!("name=\"{name}\"")) else {
        return false;
    };
    let rest = &html[at + 1..];
    let next = rest.find("name=\"").unwrap_or(rest.len());
    rest[..next].contains(message)
}

/// The office's corrections of the short plan, on the preview's form: the missed target
/// added to item 1, the scope dropped, item 3 moved to 城建, the missed item added.
fn short_corrections(fields: &mut Vec<(String, String)>) {
    set(fields, "phrase-0-0-a0", "农村学校厕所全部完成改造");
    set(fields, "value-0-0-a0", "100");
    set(fields, "unit-0-0-a0", "%");
    set(fields, "cmp-0-0-a0", "eq");
    set(fields, "deadline-0-0-a0", "2024-09-30");
    set(fields, "drop-1-0-1", "1");
    set(fields, "section-0-2", "1");
    set(fields, "no-n0", "5");
    set(fields, "section-n0", "1");
    set(fields, "title-n0", "此外,建设社区食堂5个。");
    set(fields, "phrase-n0-a0", "建设社区食堂5个");
    set(fields, "value-n0-a0", "5");
    set(fields, "unit-n0-a0", "个");
}

#[tokio::test]
async fn missed_targets_and_items_are_added_wrong_ones_deleted_and_each_correction_audited() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let p = preview_short(&st, &office).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", db.label, p.body);
        // Each item has a row for a new target; the form a block for a new item.
        assert_eq!(p.body.matches("<tr class=\"add-target\"").count(), 5);
        assert!(p.body.contains("id=\"add-item\""));
        assert!(p.body.contains("formaction=\"/plans/new/revise"));
        assert!(
            p.body
                .contains("<script src=\"/assets/editor.js\" defer></script>")
        );
        let mut fields = form_fields(&p.body, "plan-confirm-form");
        short_corrections(&mut fields);
        set(&mut fields, "delete-0-1", "1");

        // Applied and shown again: the additions in place, nothing written.
        let audit = db.store.audit_count().await.unwrap();
        let r = post_as(&st, &office, "/plans/new/revise", &encode(&fields)).await;
        assert_eq!(r.status, StatusCode::OK, "{}: {}", db.label, r.body);
        assert_eq!(db.store.audit_count().await.unwrap(), audit);
        let page = &r.body;
        assert!(
            page.contains("id=\"target-0-0-a0\""),
            "the added target is a row"
        );
        assert!(page.contains(
            "<mark class=\"target-phrase\" data-target=\"0-0-2\" title=\"目标 2\">农村学校厕所全部完成改造</mark>"
        ), "and marked in the text");
        assert!(page.contains("id=\"item-n0\""), "the added item is a box");
        assert!(
            page.contains("name=\"phrase-0-0-a1\""),
            "a row for the next target"
        );
        assert!(
            page.contains("name=\"title-n1\""),
            "a block for the next item"
        );
        assert!(page.contains("class=\"proposed-item deleted\" id=\"item-0-1\""));
        // Item 3 now stands in 城建, before item 4.
        let cheng = page.find("2、城建").unwrap();
        let third = page.find("id=\"item-0-2\"").unwrap();
        let fourth = page.find("id=\"item-1-0\"").unwrap();
        assert!(cheng < third && third < fourth);
        assert!(page.contains("识别出 2 个方面、4 项"));

        // Confirmed from the page shown again.
        let fields = form_fields(page, "plan-confirm-form");
        let r = confirm(&st, &office, &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}: {}", db.label, r.body);
        let to = r.location.unwrap();
        let id: i64 = to.trim_start_matches("/plans/").parse().unwrap();
        let plan = minsheng_domain::PlanId(id);
        let items = db.store.items(plan).await.unwrap();
        let mut numbers: Vec<u32> = items.iter().map(|i| i.no).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, [1, 3, 4, 5]);
        let targets = db.store.targets(plan).await.unwrap();
        assert!(
            targets
                .iter()
                .any(|t| t.phrase == "农村学校厕所全部完成改造"
                    && t.deadline == jiff::civil::date(2024, 9, 30))
        );
        assert!(!targets.iter().any(|t| t.phrase.contains("5000户")));

        // The plan's audit page shows each correction, under the office's name.
        let audit = get_as(&st, &office, &format!("/audit?entity=plan&id={id}")).await;
        assert_eq!(audit.status, StatusCode::OK);
        for action in [
            "更正识别结果:补充目标",
            "更正识别结果:删除目标",
            "更正识别结果:调整所属方面",
            "更正识别结果:补充事项",
            "更正识别结果:删除事项",
        ] {
            assert!(audit.body.contains(action), "{action} on {}", db.label);
        }
        assert!(
            audit
                .body
                .contains("<td class=\"before\">惠及居民5000户</td>")
        );
        assert!(audit.body.contains("<td class=\"after\">2、城建</td>"));
        assert!(
            audit.body.contains("<td class=\"after\">为</td>"),
            "a comparison in words"
        );
        assert!(
            audit
                .body
                .contains("<span class=\"audit-actor\" title=\"office\">牵头办公室</span>"),
            "under the office's name"
        );
        let en = get_as(
            &st,
            &format!("{office}; lang=en"),
            &format!("/audit?entity=plan&id={id}"),
        )
        .await;
        assert!(en.body.contains("extraction corrected: target added"));
        db.finish().await;
    }
}

#[tokio::test]
async fn bad_additions_are_refused_with_422_beside_their_field_and_nothing_is_written() {
    for db in backends().await {
        let (st, office) = office_on_demo(&db.store).await;
        let p = preview_short(&st, &office).await;
        let mut good = form_fields(&p.body, "plan-confirm-form");
        short_corrections(&mut good);
        let plans = db.store.plans().await.unwrap().len();
        let audit = db.store.audit_count().await.unwrap();
        let cases: [(&str, &str, &str); 8] = [
            (
                "phrase-0-0-a0",
                "新增公共停车泊位1500个",
                "不在该事项的原文中",
            ),
            ("value-0-0-a0", "全部", "不是数值"),
            ("unit-0-0-a0", "", "请填写计量单位"),
            ("deadline-0-0-a0", "2025-03-01", "不在计划年度 2024 年之内"),
            ("deadline-0-1-0", "2023-12-31", "不在计划年度 2024 年之内"),
            ("section-n0", "9", "不存在"),
            ("section-0-2", "9", "不存在"),
            ("no-n0", "五", "不是事项编号"),
        ];
        for (field, value, message) in cases {
            let mut fields = good.clone();
            set(&mut fields, field, value);
            for uri in ["/plans/new/confirm", "/plans/new/revise"] {
                let r = post_as(&st, &office, uri, &encode(&fields)).await;
                assert_eq!(
                    r.status,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "{field}={value} to {uri} on {}",
                    db.label
                );
                assert!(
                    beside(&r.body, field, message),
                    "{field}: {message}\n{}",
                    r.body
                );
                assert!(r.body.contains("id=\"to-fix\""));
                // The form comes back as typed (a section that does not exist cannot be
                // chosen again; the rest can).
                let again = form_fields(&r.body, "plan-confirm-form");
                if !field.starts_with("section-") {
                    assert_eq!(get_field(&again, field), value, "{field}");
                }
                assert_eq!(get_field(&again, "title-n0"), "此外,建设社区食堂5个。");
            }
        }
        assert_eq!(db.store.plans().await.unwrap().len(), plans, "{}", db.label);
        assert_eq!(db.store.audit_count().await.unwrap(), audit);
        let r = confirm(&st, &office, &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        db.finish().await;
    }
}
