package org.labhub.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.labhub.config.LabhubConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Structured logs on standard output: readable text with key=value pairs, or one JSON object per line. */
public final class LogSetup {
    private LogSetup() {}

    public static void configure(LabhubConfig.Logging logging) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        Encoder<ILoggingEvent> encoder;
        if (logging.format().equals("json")) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(ctx);
            encoder = json;
        } else {
            PatternLayoutEncoder text = new PatternLayoutEncoder();
            text.setContext(ctx);
            text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{0}: %msg %kvp%n");
            encoder = text;
        }
        encoder.start();
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setEncoder(encoder);
        out.start();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(out);
        Level level = Level.toLevel(logging.level());
        root.setLevel(level);
        // Libraries speak at INFO about their own start-up; keep them quiet unless debugging.
        if (level.isGreaterOrEqual(Level.INFO)) {
            for (String noisy : new String[] {"org.eclipse.jetty", "org.flywaydb", "com.zaxxer.hikari", "io.pebbletemplates"}) {
                // never below the level asked for: at ERROR (the openapi command, whose stdout is the document) a
                // library's warning must not slip through
                ctx.getLogger(noisy).setLevel(level.isGreaterOrEqual(Level.WARN) ? level : Level.WARN);
            }
            // Flyway warns that it was verified only with Derby 10.15; 10.16 is the version pinned on purpose.
            ctx.getLogger("org.flywaydb.core.internal.database.base.Database").setLevel(Level.ERROR);
        }
    }
}
