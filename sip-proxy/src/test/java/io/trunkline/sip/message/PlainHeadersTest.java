package io.trunkline.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.ParserFactory;
import gov.nist.javax.sip.parser.StringMsgParser;
import io.trunkline.sip.SampleMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.recursive.comparison.ComparingFields;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainHeaders} builds exactly what JAIN-SIP's parsers build, or leaves the line to them:
 * thousands of lines, the plain forms and their near misses, each read both ways.
 */
class PlainHeadersTest {

  /**
   * Every field, down to the strings, and no getter (SIPMessage's hand out fresh iterators). A Date
   * header's calendar is JAIN-SIP's own either way and keeps the milliseconds of the moment it was
   * parsed, which the header does not carry: compared to the second.
   */
  private static final RecursiveComparisonConfiguration FIELD_BY_FIELD =
      RecursiveComparisonConfiguration.builder()
          .withIntrospectionStrategy(new ComparingFields())
          .withStrictTypeChecking(true)
          .withEqualsForType(
              (GregorianCalendar a, GregorianCalendar b) ->
                  a.getTimeInMillis() / 1000 == b.getTimeInMillis() / 1000,
              GregorianCalendar.class)
          .build();

  @Test
  void readsThePlainFormsOfTheCommonHeaders() {
    List<String> plain =
        List.of(
            "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0",
            "Via: SIP/2.0/UDP 127.0.0.2:5062;rport;received=127.0.0.9;branch=z9hG4bKabc",
            "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.1:5060",
            "v: SIP/2.0/UDP pbx.example.com:5060;branch=z9hG4bK2",
            "Call-ID: 1-1234@127.0.0.1",
            "i: a84b4c76e66710",
            "From: sipp <sip:pbx@127.0.0.1:5061>;tag=1234SIPpTag001",
            "From: \"Anna Berg\" <sip:+4930100@pbx.example.com>;tag=a6c85cf",
            "f: sip:anna@example.com;tag=1",
            "To: <sip:+4930123456@127.0.0.1:5060>",
            "t: <sip:bob@example.com>;tag=8321234356",
            "Contact: <sip:pbx@127.0.0.1:5061;transport=udp>",
            "Contact: <sip:a@10.0.0.1>;expires=3600;q=0.7, <sip:a@10.0.0.2;ob>",
            "m: <sips:bob@192.0.2.4>",
            "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>",
            "Record-Route: <sip:127.0.0.3:5060;lr>",
            "CSeq: 314159 INVITE",
            "CSeq: 2 BYE",
            "Max-Forwards: 70",
            "Content-Length: 142",
            "l: 0");
    for (String line : plain) {
      assertThat(PlainHeaders.read(line)).as(line).isNotNull();
      assertSameAsJainSip(line);
    }
  }

  @Test
  void leavesEveryOtherHeaderToJainSip() {
    for (String line :
        List.of(
            "Content-Type: application/sdp",
            "Contact: *",
            "Route: <sip:[2001:db8::1];lr>",
            "Via : SIP/2.0/UDP a",
            "X-Via: SIP/2.0/UDP a")) {
      assertThat(PlainHeaders.read(line)).as(line).isNull();
    }
  }

  @Test
  void viasAreJainSipsOrLeftToIt() {
    List<String> protocols =
        List.of(
            "SIP/2.0/UDP ", "SIP/2.0/tls  ", "sip/2.0/TCP\t", "SIP / 2.0 / UDP ", "SIP/2.0/UDP");
    List<String> hosts =
        List.of(
            "127.0.0.1",
            "Proxy.Example.COM",
            "a_b-c.d",
            "host.",
            "[2001:db8::1]",
            "2001:db8::1",
            "ünï.de",
            "a!b");
    List<String> ports = List.of("", ":5060", ":0", ":99999", ":123456", ": 5060", ":", ":5o");
    List<String> parameters =
        List.of(
            "",
            ";branch=z9hG4bK-1",
            ";rport",
            ";rport=5061",
            ";received=10.0.0.1",
            ";received=10.0.0.1 ",
            ";received=[::1]",
            ";received=10.0.0.1:5",
            ";RPORT;Branch=z9hG4bKx",
            ";branch",
            ";branch=",
            ";ttl=1;maddr=224.0.0.1",
            ";x=\"q\"",
            " ;branch=z",
            "; branch=z",
            ";branch = z",
            ";branch=z (comment)",
            ";branch=z;");
    List<String> lines = new ArrayList<>();
    for (String protocol : protocols) {
      for (String host : hosts) {
        for (String port : ports) {
          for (String parameter : parameters) {
            lines.add("Via: " + protocol + host + port + parameter);
          }
        }
      }
    }
    List<String> seconds = List.of(",", ", ", " , ", ",\t", ",,", "", " ");
    for (String separator : seconds) {
      for (String parameter : parameters) {
        lines.add("Via: SIP/2.0/UDP a:1" + parameter + separator + "SIP/2.0/TCP b;branch=z9hG4bK3");
        lines.add("v: SIP/2.0/UDP a" + parameter + separator);
      }
    }
    assertEachSameAsJainSipOrLeft(lines);
  }

  @Test
  void addressesAreJainSipsOrLeftToIt() {
    List<String> displayNames =
        List.of(
            "",
            "sipp ",
            "Anna Berg ",
            "\"Anna\" ",
            "\" Anna \"",
            "\"A \\\"B\\\"\" ",
            "\"\" ",
            "*",
            "a:b ",
            "Smith, Ann ");
    List<String> schemes = List.of("sip:", "sips:", "SIP:", "tel:", "urn:x:");
    List<String> users =
        List.of(
            "",
            "anna@",
            "+4930100@",
            "a;b@",
            "a%20b@",
            "a:pw@",
            "a?b@",
            "a.b_c-d~!*'()@",
            "a&=+$,/#@",
            "@",
            "a[b@",
            "a<b@",
            "a\"b@");
    List<String> hosts =
        List.of(
            "127.0.0.1",
            "Example.COM",
            "a_b-c.d",
            "[2001:db8::1]",
            "2001:db8::1",
            "ünï.de",
            "h/x",
            "h x");
    List<String> ports = List.of("", ":5060", ":99999", ":123456", ":", ": 5", ":5060:1");
    List<String> uriParameters =
        List.of(
            "",
            ";lr",
            ";transport=udp",
            ";ob;lr",
            ";maddr=[::1]",
            ";x=%41",
            ";x=",
            ";=y",
            ";",
            "?h=v",
            ";lr?h=v",
            " ");
    List<String> parameters =
        List.of(
            "",
            ";tag=1",
            ";tag=a6c85cf;x",
            ";expires=3600;q=0.7",
            ";X=\"q\"",
            ";x=[::1]",
            " ;tag=1",
            "; tag=1",
            ";tag",
            ";tag=",
            ";",
            " x");
    List<String> lines = new ArrayList<>();
    for (String name : List.of("From: ", "t: ", "Contact: ", "Route: ", "Record-Route: ")) {
      for (String displayName : displayNames) {
        for (String scheme : schemes.subList(0, 3)) {
          for (String parameter : parameters) {
            lines.add(name + displayName + "<" + scheme + "anna@example.com>" + parameter);
          }
        }
      }
    }
    // The URI's grammar is the same in every address header: one single, one list.
    for (String name : List.of("From: ", "Contact: ")) {
      for (String scheme : schemes) {
        for (String user : users) {
          for (String host : hosts) {
            for (String port : ports) {
              for (String uriParameter : uriParameters) {
                String uri = scheme + user + host + port + uriParameter;
                lines.add(name + "<" + uri + ">;tag=1");
                lines.add(name + uri);
              }
            }
          }
        }
      }
    }
    for (String separator : List.of(",", ", ", " , ", ",,", " ", "")) {
      for (String parameter : parameters) {
        lines.add("Contact: <sip:a@b>" + parameter + separator + "\"B\" <sip:b@c;ob>;expires=60");
        lines.add("Route: <sip:p1;lr>" + parameter + separator + "<sip:p2;lr>");
        lines.add("Record-Route: sip:p1" + parameter + separator + "<sip:p2;lr>");
        lines.add("To: <sip:a@b>" + parameter + separator);
      }
    }
    assertEachSameAsJainSipOrLeft(lines);
  }

  @Test
  void callIdsCSeqsAndNumbersAreJainSipsOrLeftToIt() {
    List<String> lines = new ArrayList<>();
    for (String name : List.of("Call-ID", "call-id", "CALL-ID", "i", "I")) {
      for (String value : List.of("a@b", "abc", "a@b@c", "", " x ", "a b", "x@[::1]", "@b", "a@")) {
        lines.add(name + ":" + value);
        lines.add(name + ": " + value);
      }
    }
    List<String> methods =
        List.of(
            "INVITE",
            "ACK",
            "BYE",
            "CANCEL",
            "OPTIONS",
            "REGISTER",
            "PRACK",
            "UPDATE",
            "SUBSCRIBE",
            "NOTIFY",
            "INFO",
            "REFER",
            "MESSAGE",
            "PUBLISH",
            "invite",
            "FOO",
            "VIA",
            "Contact",
            "CSEQ",
            "INVITE2",
            "IN VITE",
            "");
    for (String name : List.of("CSeq", "cseq", "CSEQ")) {
      for (String number :
          List.of("1", "0", "01", "999999999", "2147483648", "4294967295", "12345678901", "-1")) {
        for (String space : List.of(" ", "  ", "\t", "")) {
          for (String method : methods) {
            lines.add(name + ": " + number + space + method);
          }
        }
      }
    }
    List<String> numbers =
        List.of(
            "70",
            "0",
            "07",
            "255",
            "256",
            "999",
            "1000",
            "",
            "7a",
            "1 2",
            "999999999",
            "1234567890",
            "-1",
            "+1");
    for (String name :
        List.of("Max-Forwards", "max-forwards", "Content-Length", "content-LENGTH", "l", "L")) {
      for (String number : numbers) {
        lines.add(name + ": " + number);
        lines.add(name + ":" + number);
        lines.add(name + ":\t" + number);
      }
    }
    assertEachSameAsJainSipOrLeft(lines);
  }

  /**
   * Whole messages: RFC 4475's torture messages and a call's requests and answers. What the proxy's
   * parser accepts is the message JAIN-SIP's own parser reads, field by field.
   */
  @Test
  void messagesParseAsJainSipAloneParsesThem() throws Exception {
    List<byte[]> messages = new ArrayList<>();
    try (Stream<Path> files =
        Files.list(Path.of(PlainHeadersTest.class.getResource("/rfc4475").toURI()))) {
      for (Path file : files.sorted().toList()) {
        messages.add(Files.readAllBytes(file));
      }
    }
    String invite = SampleMessages.INVITE;
    messages.add(invite.getBytes(StandardCharsets.UTF_8));
    messages.add(
        invite
            .replace("Via: ", "v: SIP/2.0/TCP 10.1.1.1;branch=z9hG4bK9;received=10.0.0.7, ")
            .replace("Call-ID: ", "i: ")
            .replace("Content-Length: ", "l: ")
            .getBytes(StandardCharsets.UTF_8));
    SipParser parser = new SipParser();
    int parsed = 0;
    for (byte[] bytes : messages) {
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (parser.parse(bytes) instanceof ParseResult.Parsed ours) {
        SIPMessage theirs;
        try {
          theirs =
              new StringMsgParser()
                  .parseSIPMessage(
                      bytes,
                      true,
                      false,
                      (e, message, headerClass, header, raw) -> {
                        throw e;
                      });
        } catch (ParseException e) {
          throw new AssertionError("parsed, but JAIN-SIP refuses it:\n" + text, e);
        }
        assertThat(ours.message())
            .as(text)
            .usingRecursiveComparison(FIELD_BY_FIELD)
            .isEqualTo(theirs);
        assertThat(ours.message().encode()).as(text).isEqualTo(theirs.encode());
        parsed++;
      }
    }
    assertThat(parsed).as("messages parsed of " + messages.size()).isGreaterThan(20);
  }

  /** Every line read plainly must be what JAIN-SIP reads from it; at least some must be. */
  private static void assertEachSameAsJainSipOrLeft(List<String> lines) {
    int readPlainly = 0;
    for (String line : lines) {
      if (PlainHeaders.read(line) != null) {
        assertSameAsJainSip(line);
        readPlainly++;
      }
    }
    assertThat(readPlainly).as("lines read plainly of " + lines.size()).isPositive();
  }

  private static void assertSameAsJainSip(String line) {
    SIPHeader jainSip;
    try {
      jainSip = ParserFactory.createParser(line + "\n").parse();
    } catch (Exception e) {
      throw new AssertionError("read plainly, but JAIN-SIP refuses it: [" + line + "]", e);
    }
    SIPHeader plain = PlainHeaders.read(line);
    assertThat(plain).as(line).usingRecursiveComparison(FIELD_BY_FIELD).isEqualTo(jainSip);
    assertThat(plain.encode()).as(line).isEqualTo(jainSip.encode());
  }
}
