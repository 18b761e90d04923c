package dev.gapless.agent.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.agent.otlp.proto.collector.logs.v1.ExportLogsServiceRequest;
import dev.gapless.agent.otlp.proto.common.v1.AnyValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OtlpJsonTest {

    private static ExportLogsServiceRequest parse(String json) throws OtlpJson.Malformed {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return OtlpJson.parse(b, b.length);
    }

    private static String nested(int depth, String leaf) {
        return "{\"resourceLogs\":[{},{\"scopeLogs\":[{\"logRecords\":[{},{\"body\":"
                + "{\"arrayValue\":{\"values\":[{},".repeat(depth) + leaf + "]}}".repeat(depth) + "}]}]}]}";
    }

    @Test
    void anErrorNamesThePathOfTheBadValue() {
        assertThatThrownBy(() -> parse(nested(3, "{\"boolValue\":\"yes\"}")))
                .isInstanceOf(OtlpJson.Malformed.class)
                .hasMessage("resourceLogs[1].scopeLogs[0].logRecords[1].body.arrayValue.values[1].arrayValue"
                        + ".values[1].arrayValue.values[1].boolValue must be true or false");
        assertThatThrownBy(() -> parse("{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"a\"},"
                + "{\"key\":\"b\",\"value\":7}]}}]}"))
                .hasMessage("resourceLogs[0].resource.attributes[1].value must be an object");
        assertThatThrownBy(() -> parse("{\"resourceLogs\":[{\"scopeLogs\":[{\"scope\":{\"name\":3}}]}]}"))
                .hasMessage("resourceLogs[0].scopeLogs[0].scope.name must be a string");
    }

    @Test
    void aBodyNestedThreeHundredDeepIsReadWhole() throws Exception {
        ExportLogsServiceRequest r = parse(nested(300, "{\"stringValue\":\"leaf\"}"));
        AnyValue v = r.getResourceLogs(1).getScopeLogs(0).getLogRecords(1).getBody();
        for (int i = 0; i < 300; i++) {
            assertThat(v.getArrayValue().getValuesCount()).isEqualTo(2);
            v = v.getArrayValue().getValues(1);
        }
        assertThat(v.getStringValue()).isEqualTo("leaf");
    }

    @Test
    void nestingPastJacksonsLimitIsRefusedAsInvalidJson() {
        assertThatThrownBy(() -> parse(nested(400, "{}")))
                .isInstanceOf(OtlpJson.Malformed.class).hasMessageStartingWith("invalid JSON");
    }
}
