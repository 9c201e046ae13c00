package owlet.device.service;

import java.util.List;
import java.util.Locale;
import owlet.runtime.api.Classification;

/** The HTML of the status page: plain server-side HTML, reloading itself every 5 s; no script. */
final class StatusPage {
    private StatusPage() {
    }

    static String html(String modelName, Service.Snapshot s, List<RecentResults.Entry> newestFirst, boolean picture,
            String tokenQuery) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta http-equiv=\"refresh\" content=\"5\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>Owlet</title><style>"
                + "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:60em}"
                + "h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.2em 0 .4em}"
                + ".muted{color:#777}.error{color:#b00020}"
                + "table{border-collapse:collapse}td,th{padding:.2em .7em;text-align:left;border-bottom:1px solid #ddd}"
                + "td.n{text-align:right;font-variant-numeric:tabular-nums}"
                + ".bar{display:inline-block;height:.8em;background:#4a7;vertical-align:middle}"
                + "</style></head><body>\n");
        b.append("<h1>Owlet</h1><div class=\"muted\">").append(escape(modelName)).append(" &middot; up ")
                .append(duration(s.uptimeSeconds())).append("</div>\n");

        RecentResults.Entry latest = newestFirst.isEmpty() ? null : newestFirst.get(0);
        b.append("<h2>Latest result</h2>\n");
        if (latest == null) {
            b.append("<p class=\"muted\">No trigger yet.</p>\n");
        } else {
            b.append("<p>Trigger ").append(latest.trigger()).append(" at ").append(escape(latest.edgeTime()))
                    .append(", ").append(ms(latest.latencyMillis())).append(" from trigger to result</p>\n");
            if (latest.error() != null) {
                b.append("<p class=\"error\">").append(escape(latest.error())).append("</p>\n");
            } else {
                b.append("<table>");
                for (Classification c : latest.top()) {
                    b.append("<tr><td>").append(escape(c.label())).append("</td><td class=\"n\">")
                            .append(StatusServer.percent(c)).append("</td><td><span class=\"bar\" style=\"width:")
                            .append(Math.round(c.score() * 200)).append("px\"></span></td></tr>");
                }
                b.append("</table>\n");
                if (!latest.outputs().isEmpty()) {
                    b.append("<p>Outputs on: ").append(escape(String.join(", ", latest.outputs()))).append("</p>\n");
                }
            }
        }
        if (picture) {
            b.append("<p><a href=\"latest.png").append(tokenQuery).append("\"><img src=\"latest.png")
                    .append(tokenQuery).append("\" alt=\"Latest picture\" width=\"224\"></a></p>\n");
        }

        b.append("<h2>Health</h2>\n<table>");
        row(b, "Triggers", Long.toString(s.triggers()));
        row(b, "Captures", Long.toString(s.captures()));
        row(b, "Failures", Long.toString(s.failures()));
        row(b, "Coalesced", Long.toString(s.coalesced()));
        row(b, "Latency p50", ms(s.p50()));
        row(b, "Latency p99", ms(s.p99()));
        row(b, "Camera restarts", Long.toString(s.cameraRestarts()));
        if (s.mqtt() != null) {
            MqttPublisher.Counts m = s.mqtt();
            row(b, "MQTT", (m.connected() ? "connected" : "not connected") + ", " + m.published() + " sent, "
                    + m.queued() + " queued, " + m.dropped() + " dropped");
        }
        b.append("</table>\n");

        b.append("<h2>Latest results</h2>\n");
        if (newestFirst.isEmpty()) {
            b.append("<p class=\"muted\">None yet.</p>\n");
        } else {
            b.append("<table><tr><th>#</th><th>time</th><th>result</th><th>score</th><th>latency</th>"
                    + "<th>outputs</th></tr>\n");
            for (RecentResults.Entry e : newestFirst) {
                b.append("<tr><td class=\"n\">").append(e.trigger()).append("</td><td>").append(escape(e.edgeTime()))
                        .append("</td>");
                if (e.error() != null) {
                    b.append("<td class=\"error\" colspan=\"2\">").append(escape(e.error())).append("</td>");
                } else if (e.top().isEmpty()) {
                    b.append("<td class=\"muted\" colspan=\"2\">below the threshold</td>");
                } else {
                    b.append("<td>").append(escape(e.top().get(0).label())).append("</td><td class=\"n\">")
                            .append(StatusServer.percent(e.top().get(0))).append("</td>");
                }
                b.append("<td class=\"n\">").append(ms(e.latencyMillis())).append("</td><td>")
                        .append(escape(String.join(", ", e.outputs()))).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("<p class=\"muted\"><a href=\"latest.json").append(tokenQuery).append("\">latest.json</a> &middot; "
                + "<a href=\"metrics").append(tokenQuery).append("\">metrics</a></p>\n</body></html>\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("<tr><th>").append(escape(name)).append("</th><td class=\"n\">").append(escape(value))
                .append("</td></tr>");
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String duration(long seconds) {
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? seconds / 60 + " min" : seconds / 3600 + " h";
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
