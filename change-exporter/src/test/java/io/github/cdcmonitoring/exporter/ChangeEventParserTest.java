package io.github.cdcmonitoring.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The values JsonConverter writes, and what else can land on a change topic. */
class ChangeEventParserTest {

    private static final String TOPIC = "cdc.public.orders";

    /** A real bare payload (schemas.enable=false), as the stack's connector writes it, trimmed of row data. */
    private static final String BARE_UPDATE = """
            {"before":null,"after":{"id":7,"user_id":3,"product_name":"widget","quantity":2},
             "source":{"version":"3.7.0.Final","connector":"postgresql","name":"cdc","ts_ms":1764471000123,
                       "snapshot":"false","db":"testDB","sequence":"[null,\\"24023128\\"]","ts_us":1764471000123456,
                       "ts_ns":1764471000123456000,"schema":"public","table":"orders","txId":745,"lsn":24023128,
                       "xmin":null},
             "transaction":null,"op":"u","ts_ms":1764471000180,"ts_us":1764471000180001,"ts_ns":1764471000180001000}
            """;

    private final ChangeEventParser parser = new ChangeEventParser();

    private ParsedRecord parse(String value) {
        return parser.parse(TOPIC, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void barePayload() {
        assertThat(parse(BARE_UPDATE))
                .isEqualTo(new ParsedRecord.Change("public", "orders", "u", 1764471000123L));
    }

    @Test
    void payloadInsideASchemaEnvelope() {
        String envelope = "{\"schema\":{\"type\":\"struct\",\"fields\":[],\"optional\":false,"
                + "\"name\":\"cdc.public.orders.Envelope\"},\"payload\":" + BARE_UPDATE + "}";

        assertThat(parse(envelope)).isEqualTo(new ParsedRecord.Change("public", "orders", "u", 1764471000123L));
    }

    @Test
    void everyOperation() {
        for (String op : new String[] {"c", "u", "d", "r"}) {
            ParsedRecord parsed = parse(BARE_UPDATE.replace("\"op\":\"u\"", "\"op\":\"" + op + "\""));
            assertThat(parsed).isInstanceOf(ParsedRecord.Change.class);
            assertThat(((ParsedRecord.Change) parsed).op()).isEqualTo(op);
            assertThat(((ParsedRecord.Change) parsed).isSnapshotRead()).isEqualTo(op.equals("r"));
        }
    }

    @Test
    void nullValueIsATombstone() {
        assertThat(parser.parse(TOPIC, null)).isInstanceOf(ParsedRecord.Tombstone.class);
    }

    @Test
    void heartbeatTopicRecordsAreHeartbeats() {
        assertThat(parser.parse("__debezium-heartbeat.cdc", "{\"ts_ms\":1764471000123}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ParsedRecord.Heartbeat.class);
        assertThat(parser.parse("__debezium-heartbeat.cdc", null)).isInstanceOf(ParsedRecord.Heartbeat.class);
    }

    @Test
    void heartbeatShapedValueOnAnotherTopicIsAHeartbeat() {
        assertThat(parse("{\"ts_ms\":1764471000123}")).isInstanceOf(ParsedRecord.Heartbeat.class);
        assertThat(parse("{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,"
                + "\"field\":\"ts_ms\"}],\"optional\":false,\"name\":\"io.debezium.connector.common.Heartbeat\"},"
                + "\"payload\":{\"ts_ms\":1764471000123}}")).isInstanceOf(ParsedRecord.Heartbeat.class);
    }

    @Test
    void garbageBytesAreUnparsable() {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, (byte) 0x80, 'x', '{'};
        assertThat(parser.parse(TOPIC, garbage)).isInstanceOf(ParsedRecord.Unparsable.class);
        assertThat(parser.parse(TOPIC, new byte[0])).isInstanceOf(ParsedRecord.Unparsable.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1,2]",
        "42",
        "\"text\"",
        "null",
        "{}",
        "{\"op\":\"x\"}",
        "{\"op\":\"c\"}",
        "{\"foo\":1}",
        "{\"ts_ms\":\"soon\"}",
        "{\"op\":\"c\",\"source\":{\"schema\":\"public\",\"table\":\"orders\"}}",
        "{\"op\":\"c\",\"source\":{\"ts_ms\":\"1764471000123\",\"schema\":\"public\",\"table\":\"orders\"}}",
        "{\"op\":\"c\",\"source\":{\"ts_ms\":1764471000123,\"table\":\"orders\"}}",
        "{\"op\":\"c\",\"source\":{\"ts_ms\":1764471000123,\"schema\":\"public\"}}",
        "{\"op\":\"t\",\"source\":{\"ts_ms\":1764471000123,\"schema\":\"public\",\"table\":\"orders\"}}",
        "{\"op\":\"c\",\"source\":\"db\"}",
        "{\"schema\":{},\"payload\":[1,2]}",
        "{\"schema\":{},\"payload\":null}",
        "{\"op\":\"c\",\"source\":{\"ts_ms\":1764471000123,\"schema\":\"public\",\"table\":\"orders\"}} trailing",
        "{\"op\":\"c\",\"source\":{\"ts_ms\":1764471000123,"
    })
    void unexpectedJsonIsUnparsable(String value) {
        assertThat(parse(value)).isInstanceOf(ParsedRecord.Unparsable.class);
    }

    @Test
    void missingSourceTimestampIsUnparsable() {
        assertThat(parse(BARE_UPDATE.replace("\"ts_ms\":1764471000123,", "")))
                .isInstanceOf(ParsedRecord.Unparsable.class);
    }
}
