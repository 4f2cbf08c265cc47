//! What every response and every state-changing request passes: a request
//! that changes something must come from the server's own pages (a cross-site
//! form is refused by its `Origin` or `Sec-Fetch-Site`, and every form carries
//! its login's token besides); every page forbids script, outside resources
//! and framing.

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::set_header::SetResponseHeaderLayer;

use super::view::page;

/// The Content-Security-Policy of every page: the server's own style sheet and images, no script at all.
pub(crate) const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                              frame-ancestors 'none'; base-uri 'none'";

/// Refuses a request that changes something unless it comes from the server's own pages.
pub(crate) async fn same_origin(request: Request<Body>, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|h| h.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|h| h.to_str().ok());
    // The browser says where the form was: another site's page is refused whatever it carries.
    let cross_site = fetch_site.is_some_and(|s| s != "same-origin" && s != "none");
    let foreign_origin = match (origin, host) {
        (Some("null"), _) => true,
        (Some(o), Some(h)) => o.split_once("://").map(|(_, rest)| rest) != Some(h),
        (Some(_), None) => true,
        (None, _) => false,
    };
    if cross_site || foreign_origin {
        return page(StatusCode::FORBIDDEN, "请求被拒绝", "这个请求不是从本系统的页面提交的，未受理。");
    }
    let answer = next.run(request).await;
    // What the body limit and the form reader refuse, said in Chinese (they answer in plain English).
    let plain = !answer.headers().get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    match answer.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            page(StatusCode::PAYLOAD_TOO_LARGE, "内容过多", "提交的内容超过 256 KB，未受理；请把长文分开提交。")
        }
        s if plain && s.is_client_error() && s != StatusCode::NOT_FOUND => {
            page(s, "请求无法受理", "提交的表单格式不对，未受理；请从本系统的页面重新提交。")
        }
        _ => answer,
    }
}

/// A header every response carries (set over whatever a handler set).
pub(crate) fn always(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::HeaderName::from_static(name), HeaderValue::from_static(value))
}
