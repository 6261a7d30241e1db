//! The email edition as one RFC 5322 message (mail-builder), and its test send over
//! SMTP (lettre): STARTTLS or implicit TLS to any real server, plain SMTP only to this
//! machine, the password only from `SITREP_SMTP_PASSWORD` and never printed.

use std::net::IpAddr;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{SmtpTransport, Transport};
use mail_builder::MessageBuilder;
use mail_builder::headers::url::URL;

use crate::content::Issue;
use crate::error::{Error, Result};
use crate::site::Site;

/// Where the SMTP password comes from (never from config.toml).
pub const PASSWORD_VARIABLE: &str = "SITREP_SMTP_PASSWORD";

/// `[email] <key>` parsed as a mailbox (`Name <addr@host>` or `addr@host`).
/// A display name with RFC 5322 specials (`SRE Weekly (example)`) is accepted as
/// written and quoted when the message is written.
fn mailbox(key: &str, value: &str) -> Result<Mailbox> {
    let named = value
        .trim()
        .strip_suffix('>')
        .and_then(|v| v.rsplit_once('<'));
    if let Some((name, address)) = named
        && let Ok(address) = address.trim().parse::<lettre::Address>()
    {
        let name = name.trim().trim_matches('"').trim();
        return Ok(Mailbox::new(
            (!name.is_empty()).then(|| name.to_string()),
            address,
        ));
    }
    value.parse().map_err(|e| {
        Error::Email(format!(
            "config.toml: `[email] {key} = \"{value}\"` is not an email address ({e}); write it as `\"SRE Weekly <editor@example.org>\"`"
        ))
    })
}

/// The message: `multipart/alternative` with `text` and `html`, `Subject` the issue's
/// title, dated at the issue's publication, addressed `to` when sending a copy.
pub fn build(
    site: &Site,
    issue: &Issue,
    html: &str,
    text: &str,
    to: Option<&Mailbox>,
) -> Result<Vec<u8>> {
    let email = &site.config.email;
    let from = email.from.as_deref().ok_or_else(|| {
        Error::Email("config.toml: add `[email] from = \"Name <you@example.org>\"`".into())
    })?;
    let from = mailbox("from", from)?;
    let address = |m: &Mailbox| (m.name.clone().unwrap_or_default(), m.email.to_string());
    let host = url::Url::parse(&site.config.base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "sitrep.invalid".into());
    let mut message = MessageBuilder::new()
        .from(address(&from))
        .subject(issue.title.as_str())
        .date(issue.published.as_second())
        .message_id(format!("issue-{}.sitrep@{host}", issue.number))
        .text_body(text)
        .html_body(html);
    if let Some(to) = to {
        message = message.to(address(to));
    }
    if let Some(reply_to) = &email.reply_to {
        message = message.reply_to(address(&mailbox("reply_to", reply_to)?));
    }
    if let Some(unsubscribe) = &email.unsubscribe {
        message = message.header("List-Unsubscribe", URL::from(unsubscribe.as_str()));
    }
    message
        .write_to_vec()
        .map_err(|e| Error::Email(format!("cannot write the message: {e}")))
}

/// What a test send did.
pub struct Sent {
    pub server: String,
    pub to: String,
    /// The server's reply to the message, e.g. `250 OK`.
    pub reply: String,
}

/// Sends the email edition of `issue` to `to` through `[email] smtp`.
pub fn send_test(site: &Site, issue_number: u32, html: &str, text: &str, to: &str) -> Result<Sent> {
    let email = &site.config.email;
    let to_box: Mailbox = to
        .parse()
        .map_err(|e| Error::Email(format!("--send-test {to}: not an email address ({e})")))?;
    let server = email.smtp.as_deref().ok_or_else(|| {
        Error::Email(
            "config.toml: add `[email] smtp = \"smtp.example.org:587\"` to send a test".into(),
        )
    })?;
    let issue = site
        .issues
        .iter()
        .find(|i| i.number == issue_number)
        .ok_or_else(|| Error::Internal(format!("issue {issue_number} vanished")))?;
    let bytes = build(site, issue, html, text, Some(&to_box))?;
    let from = mailbox("from", email.from.as_deref().unwrap_or_default())?;
    let envelope = Envelope::new(Some(from.email), vec![to_box.email.clone()])
        .map_err(|e| Error::Email(format!("cannot address the message: {e}")))?;
    let transport = transport(server, email.smtp_user.as_deref())?;
    let response = transport.send_raw(&envelope, &bytes).map_err(|e| {
        Error::Email(format!(
            "sending to {to} through {server} failed: {}",
            one_line(&e.to_string())
        ))
    })?;
    Ok(Sent {
        server: server.to_string(),
        to: to_box.email.to_string(),
        reply: one_line(&format!(
            "{} {}",
            response.code(),
            response.message().collect::<Vec<_>>().join(" ")
        )),
    })
}

/// An SMTP connection to `server` (`host:port`): plain only to a loopback address
/// (a local test server); otherwise implicit TLS on port 465 and STARTTLS elsewhere,
/// so a login never crosses the network in clear.
fn transport(server: &str, user: Option<&str>) -> Result<SmtpTransport> {
    let bad = || {
        Error::Email(format!(
            "config.toml: `[email] smtp = \"{server}\"` must be `host:port`, e.g. `smtp.example.org:587`"
        ))
    };
    let (host, port) = server.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let tls = |e: lettre::transport::smtp::Error| {
        Error::Email(format!("cannot set up TLS to {host}: {e}"))
    };
    let builder = if loopback {
        SmtpTransport::builder_dangerous(host)
    } else if port == 465 {
        SmtpTransport::relay(host).map_err(tls)?
    } else {
        SmtpTransport::starttls_relay(host).map_err(tls)?
    };
    let mut builder = builder.port(port).timeout(Some(Duration::from_secs(30)));
    if let Some(user) = user {
        let password = std::env::var(PASSWORD_VARIABLE).map_err(|_| {
            Error::Email(format!(
                "`[email] smtp_user` is set: put the password in the {PASSWORD_VARIABLE} environment variable"
            ))
        })?;
        builder = builder.credentials(Credentials::new(user.to_string(), password));
    }
    Ok(builder.build())
}

/// `text` on one line (servers' replies span several).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
