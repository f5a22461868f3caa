package io.retentionloop.value.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionReaderTest {

    private static List<Transaction> csv(String text) throws IOException {
        return csv(text, ZoneOffset.UTC);
    }

    private static List<Transaction> csv(String text, ZoneId zone) throws IOException {
        return TransactionReader.read(
                new BufferedReader(new StringReader(text)),
                TransactionFormat.CSV,
                zone,
                "test.csv");
    }

    @Test
    void csvFromASpreadsheetWithAByteOrderMarkQuotesAndLocalTimes() throws IOException {
        ZoneId newYork = ZoneId.of("America/New_York");
        List<Transaction> t =
                csv(
                        "\uFEFF\"user_id\",\"timestamp\",\"amount\"\n"
                                + "\"Smith, J.\",2025-01-03 18:30:00,\"12.50\"\n"
                                + "\"say \"\"hi\"\"\",2025-01-03T10:15:00,3\n"
                                + "u3,2025-01-03,1\n"
                                + "u4,2025-01-03T10:15:00Z,2\n",
                        newYork);
        assertThat(t)
                .containsExactly(
                        new Transaction(
                                "Smith, J.",
                                Instant.parse("2025-01-03T23:30:00Z").toEpochMilli(),
                                12.5),
                        new Transaction(
                                "say \"hi\"",
                                Instant.parse("2025-01-03T15:15:00Z").toEpochMilli(),
                                3),
                        // a date is that day, whatever the zone
                        new Transaction(
                                "u3", Instant.parse("2025-01-03T00:00:00Z").toEpochMilli(), 1),
                        // an explicit offset wins over the zone
                        new Transaction(
                                "u4", Instant.parse("2025-01-03T10:15:00Z").toEpochMilli(), 2));
        assertThat(csv("user_id,timestamp,amount\nu1,2025-01-03 18:30:00,1\n").get(0).timestamp())
                .isEqualTo(Instant.parse("2025-01-03T18:30:00Z").toEpochMilli());
        // east of UTC a date stays on its day; ISO is read case-insensitively, seconds optional
        List<Transaction> berlin =
                csv(
                        "user_id,timestamp,amount\n"
                                + "u1,2025-01-03,1\n"
                                + "u2,2025-01-03t10:15:00z,1\n"
                                + "u3,2025-01-03T10:15,1\n"
                                + "u4,2025-01-03T10:15:00.250-05:00,1\n",
                        ZoneId.of("Europe/Berlin"));
        assertThat(berlin.get(0).epochDay()).isEqualTo(LocalDate.of(2025, 1, 3).toEpochDay());
        assertThat(berlin.get(1).timestamp())
                .isEqualTo(Instant.parse("2025-01-03T10:15:00Z").toEpochMilli());
        assertThat(berlin.get(2).timestamp())
                .isEqualTo(Instant.parse("2025-01-03T09:15:00Z").toEpochMilli());
        assertThat(berlin.get(3).timestamp())
                .isEqualTo(Instant.parse("2025-01-03T15:15:00.250Z").toEpochMilli());
    }

    @Test
    void aHeaderThatOnlyLooksRightSaysWhatIsInIt() {
        assertThatThrownBy(() -> csv("user_id\u200b,timestamp,amount\nu1,2025-01-03,1\n"))
                .hasMessageContaining("found 'user_id\\u200b,timestamp,amount'");
        assertThatThrownBy(
                        () ->
                                csv(
                                        "user_id,timestamp,amount\n"
                                                + "u1,2025-01-03T10:15:00+01:00[No/Where],1\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("test.csv:2: timestamp");
        assertThatThrownBy(() -> csv("user_id,timestamp,amount\n\"u1,2025-01-03,1\n"))
                .hasMessageStartingWith("test.csv:2: a quoted field is not closed");
    }

    @Test
    void aFileWithoutTransactionsIsAnError(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "user_id,timestamp,amount\n");
        assertThatThrownBy(() -> TransactionReader.read(empty, TransactionFormat.CSV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("empty.csv: no transactions");
    }

    @Test
    void csvAcceptsIsoDatesAndDateTimesWithOffset() throws IOException {
        List<Transaction> t =
                csv(
                        "user_id,timestamp,amount\n"
                                + "u1,2025-01-03,12.50\n"
                                + "\n"
                                + "u2,2025-01-03T10:15:00Z,3\n"
                                + "u3,2025-01-03T23:30:00-02:00,0\n");

        assertThat(t)
                .containsExactly(
                        new Transaction(
                                "u1", Instant.parse("2025-01-03T00:00:00Z").toEpochMilli(), 12.5),
                        new Transaction(
                                "u2", Instant.parse("2025-01-03T10:15:00Z").toEpochMilli(), 3),
                        new Transaction(
                                "u3", Instant.parse("2025-01-04T01:30:00Z").toEpochMilli(), 0));
        // days are UTC days: 23:30 at -02:00 is already the next day
        assertThat(t.get(2).epochDay()).isEqualTo(LocalDate.of(2025, 1, 4).toEpochDay());
    }

    @Test
    void badRowFailsWithFileLineNumberAndReason() {
        assertThatThrownBy(
                        () -> csv("user_id,timestamp,amount\nu1,2025-01-03,1\nu1,2025-01-04,abc\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("test.csv:3: amount 'abc' is not a number")
                .hasMessageContaining("u1,2025-01-04,abc");
        assertThatThrownBy(() -> csv("user_id,timestamp,amount\nu1,03/01/2025,1\n"))
                .hasMessageStartingWith("test.csv:2: timestamp '03/01/2025' is not an ISO date");
        assertThatThrownBy(() -> csv("user_id,timestamp,amount\nu1,2025-01-03\n"))
                .hasMessageStartingWith("test.csv:2: expected 3 fields, found 2");
        assertThatThrownBy(() -> csv("user_id,timestamp,amount\nu1,2025-01-03,-5\n"))
                .hasMessageStartingWith("test.csv:2: amount -5 is not a finite non-negative");
        assertThatThrownBy(() -> csv("user,time,amount\n"))
                .hasMessageStartingWith("test.csv:1: expected header 'user_id,timestamp,amount'");
        assertThatThrownBy(
                        () ->
                                TransactionReader.read(
                                        CdnowSample.FILE, TransactionFormat.CDNOW_MASTER))
                .hasMessageContaining(
                        "CDNOW_sample.txt:1: expected header 'customer_id date number_of_cds");
    }

    @Test
    void formatsAreNamedAsOnTheCommandLine() {
        assertThat(TransactionFormat.fromId("cdnow-sample"))
                .isEqualTo(TransactionFormat.CDNOW_SAMPLE);
        assertThatThrownBy(() -> TransactionFormat.fromId("parquet"))
                .hasMessageContaining("[csv, cdnow-sample, cdnow-master]");
    }

    @Test
    void readsTheCdnowSampleKeyedBySampleId() {
        List<Transaction> t = CdnowSample.transactions();

        assertThat(t).hasSize(6_919);
        assertThat(t.stream().map(Transaction::userId).distinct()).hasSize(2_357);
        // first line: " 00004 0001 19970101  2   29.33"
        assertThat(t.get(0))
                .isEqualTo(
                        new Transaction(
                                "0001",
                                Instant.parse("1997-01-01T00:00:00Z").toEpochMilli(),
                                29.33));
    }

    @Test
    void readsTheCdnowMasterFileAfterItsHeader() {
        List<Transaction> t =
                TransactionReader.read(CdnowSample.MASTER, TransactionFormat.CDNOW_MASTER);

        assertThat(t).hasSize(69_659);
        assertThat(t.stream().collect(Collectors.groupingBy(Transaction::userId))).hasSize(23_570);
        // second line: " 00001 19970101  1   11.77"
        assertThat(t.get(0).userId()).isEqualTo("00001");
        assertThat(t.get(0).amount()).isEqualTo(11.77);
    }
}
