package dev.lethe.unlearn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The console table of CLI.md, character for character. */
class ReportTableTest {
    @Test
    void fixedWidthColumnsWithTwoDecimals() {
        String expected = """
                method   forget-acc  retain-acc  test-acc  MIA-efficacy  time(s)  avg-gap
                retrain        0.00       96.50     90.25        100.00    41.23     0.00
                ssd            1.50       95.25     89.75         98.13     0.50     1.20
                salun         10.00       93.00     88.00         80.50     7.75     6.31
                ft            50.00       99.00     91.00           n/a    20.00      n/a
                """;
        assertEquals(expected, ReportTable.render(ReportFixture.classWise().rows()));
    }

    @Test
    void wideValuesWidenTheirColumn() {
        MethodRow row = new MethodRow("a-long-method-name", ReportFixture.scores(0, 0, 0, 0, 0), 123456.789, 0, 0,
                null);
        String table = ReportTable.render(List.of(row));
        assertEquals("method              forget-acc  retain-acc  test-acc  MIA-efficacy    time(s)  avg-gap\n"
                + "a-long-method-name        0.00        0.00      0.00          0.00  123456.79     0.00\n", table);
    }
}
