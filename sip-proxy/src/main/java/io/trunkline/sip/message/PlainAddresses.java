package io.trunkline.sip.message;

import gov.nist.core.HostPort;
import gov.nist.core.NameValue;
import gov.nist.javax.sip.address.AddressImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.AddressParametersHeader;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.From;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.RecordRouteList;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.header.RouteList;
import gov.nist.javax.sip.header.SIPHeaderList;
import gov.nist.javax.sip.header.To;
import java.util.function.Supplier;

/**
 * Reads the plain form of the address headers, From, To, Contact, Route and Record-Route, for
 * {@link PlainHeaders}: a name-addr ({@code "Alice" <sip:alice@host:5060;transport=udp>}, with a
 * quoted or token display name or none) or a SIP addr-spec, then {@code ;name=token} parameters.
 * Each object is JAIN-SIP's, made through the setters its {@code AddressParser}, {@code URLParser}
 * and {@code HostNameParser} call, in their order, from the same text. Where JAIN-SIP's grammar
 * decides a boundary (where a URI's user part ends, whether a host is IPv6), the same characters
 * decide it here. Not plain, and left to JAIN-SIP: escapes, passwords, URI headers, other schemes
 * and upper-case ones, IPv6, quoted or bracketed parameter values, quoted pairs, white space inside
 * the address or between it and its parameters, and Contact's "*".
 */
final class PlainAddresses {

  private static final String MARK = "-_.!~*'()";

  /** What JAIN-SIP's URLParser reads as a user: unreserved (alphanum, mark), user-unreserved. */
  private static final boolean[] USER = PlainHeaders.alphanumericAnd(MARK + "&=+$,;?/#");

  /** What JAIN-SIP's URLParser reads as a password. */
  private static final boolean[] PASSWORD = PlainHeaders.alphanumericAnd(MARK + "&=+$,");

  /** paramchar (§25.1) as JAIN-SIP's URLParser reads it, but for escapes. */
  private static final boolean[] PARAM = PlainHeaders.alphanumericAnd(MARK + "[]/:&+$");

  private final String line;
  private int at;

  private PlainAddresses(String line, int start) {
    this.line = line;
    this.at = start;
  }

  static From from(String line, int start) {
    return new PlainAddresses(line, start).single(new From());
  }

  static To to(String line, int start) {
    return new PlainAddresses(line, start).single(new To());
  }

  static ContactList contacts(String line, int start) {
    return new PlainAddresses(line, start).list(new ContactList(), Contact::new);
  }

  static RouteList routes(String line, int start) {
    return new PlainAddresses(line, start).list(new RouteList(), Route::new);
  }

  static RecordRouteList recordRoutes(String line, int start) {
    return new PlainAddresses(line, start).list(new RecordRouteList(), RecordRoute::new);
  }

  private <H extends AddressParametersHeader> H single(H header) {
    return addressWithParameters(header) && at == line.length() ? header : null;
  }

  /** RFC 3261 §20.10, §20.30, §20.34: one or more addresses with parameters, comma-separated. */
  private <H extends AddressParametersHeader, L extends SIPHeaderList<H>> L list(
      L list, Supplier<H> element) {
    while (true) {
      H header = element.get();
      if (!addressWithParameters(header)) {
        return null;
      }
      list.add(header);
      if (at == line.length()) {
        return list;
      }
      at = skipWhiteSpace(at);
      if (!at(',')) {
        return null;
      }
      at = skipWhiteSpace(at + 1);
    }
  }

  /**
   * The address, then {@code ;name[=token]} parameters, as JAIN-SIP's ParametersParser sets them.
   */
  private boolean addressWithParameters(AddressParametersHeader header) {
    AddressImpl address = address();
    if (address == null) {
      return false;
    }
    header.setAddress(address);
    while (at(';')) {
      NameValue parameter = parameter(PlainHeaders.TOKEN);
      if (parameter == null) {
        return false;
      }
      header.setParameter(parameter);
    }
    return at == line.length() || at(',') || isWhiteSpace(at);
  }

  /** §25.1: name-addr or addr-spec; as JAIN-SIP's AddressParser builds them. */
  private AddressImpl address() {
    if (line.startsWith("sip:", at) || line.startsWith("sips:", at)) {
      AddressImpl address = new AddressImpl();
      SipUri uri = sipUri(false);
      if (uri == null) {
        return null;
      }
      address.setAddressType(AddressImpl.ADDRESS_SPEC);
      address.setURI(uri);
      return address;
    }
    if (at('<')) {
      at++;
      SipUri uri = sipUri(true);
      if (uri == null || !at('>')) {
        return null;
      }
      at++;
      AddressImpl address = new AddressImpl();
      address.setAddressType(AddressImpl.NAME_ADDR);
      address.setURI(uri);
      return address;
    }
    String displayName = displayName();
    if (displayName == null || !at('<')) {
      return null;
    }
    AddressImpl address = new AddressImpl();
    address.setAddressType(AddressImpl.NAME_ADDR);
    address.setDisplayName(displayName.trim());
    at++;
    SipUri uri = sipUri(true);
    if (uri == null || !at('>')) {
      return null;
    }
    at++;
    address.setURI(uri);
    return address;
  }

  /** A quoted string without quoted pairs, or tokens and white space, up to the "<". */
  private String displayName() {
    int start = at;
    if (at('"')) {
      int close = line.indexOf('"', at + 1);
      if (close < 0 || line.lastIndexOf('\\', close) > at) {
        return null;
      }
      at = skipWhiteSpace(close + 1);
      return line.substring(start + 1, close);
    }
    while (at < line.length() && (at(PlainHeaders.TOKEN) || isWhiteSpace(at))) {
      at++;
    }
    return at == start ? null : line.substring(start, at);
  }

  /**
   * §19.1.1: sip:[user@]host[:port][;uri-parameters], as JAIN-SIP's URLParser.sipURL reads it;
   * {@code inBrackets} is whether the URI's own parameters belong to it (§20.10: in an addr-spec
   * they are the header's).
   */
  private SipUri sipUri(boolean inBrackets) {
    boolean sips = line.startsWith("sips:", at);
    if (!sips && !line.startsWith("sip:", at)) {
      return null;
    }
    SipUri uri = new SipUri();
    uri.setScheme(sips ? "sips" : "sip");
    at += sips ? 5 : 4;
    // JAIN-SIP reads a user, and a password after ":", and keeps them only if "@" follows.
    int userEnd = scan(at, USER);
    if (at(userEnd, '%')) {
      return null;
    }
    if (at(userEnd, ':')) {
      int passwordEnd = scan(userEnd + 1, PASSWORD);
      if (at(passwordEnd, '@') || at(passwordEnd, '%')) {
        return null;
      }
    } else if (at(userEnd, '@')) {
      if (userEnd == at) {
        return null;
      }
      uri.setUser(line.substring(at, userEnd));
      at = userEnd + 1;
    }
    HostPort hostPort = hostPort();
    if (hostPort == null) {
      return null;
    }
    uri.setHostPort(hostPort);
    if (inBrackets) {
      while (at(';')) {
        NameValue parameter = parameter(PARAM);
        if (parameter == null) {
          return null;
        }
        uri.setUriParameter(parameter);
      }
    }
    return at('?') || at('%') ? null : uri;
  }

  /**
   * The parameter after the ";" here, {@code name[=value]} of {@code chars}, as JAIN-SIP makes a
   * header's (ParserCore.nameValue) and a URI's (URLParser.uriParam): a value, or a flag with "";
   * null when the name or a value after "=" is empty.
   */
  private NameValue parameter(boolean[] chars) {
    int nameEnd = scan(at + 1, chars);
    if (nameEnd == at + 1) {
      return null;
    }
    String name = line.substring(at + 1, nameEnd);
    at = nameEnd;
    if (!at('=')) {
      return new NameValue(name, "", true);
    }
    int valueEnd = scan(at + 1, chars);
    if (valueEnd == at + 1) {
      return null;
    }
    String value = line.substring(at + 1, valueEnd);
    at = valueEnd;
    return new NameValue(name, value, false);
  }

  /** An IPv4 address or host name, and a port: JAIN-SIP's HostNameParser.hostPort(false). */
  private HostPort hostPort() {
    HostPort hostPort = new HostPort();
    int end = PlainHeaders.hostPort(line, at, hostPort);
    if (end < 0) {
      return null;
    }
    at = end;
    return at == line.length() || at(';') || at('>') || at(',') || at('?') ? hostPort : null;
  }

  private int scan(int start, boolean[] chars) {
    return PlainHeaders.end(line, start, chars);
  }

  private int skipWhiteSpace(int start) {
    return PlainHeaders.skipWhiteSpace(line, start);
  }

  private boolean isWhiteSpace(int index) {
    return index < line.length() && PlainHeaders.isWhiteSpace(line.charAt(index));
  }

  private boolean at(boolean[] chars) {
    return at < line.length() && line.charAt(at) < 128 && chars[line.charAt(at)];
  }

  private boolean at(char c) {
    return at(at, c);
  }

  private boolean at(int index, char c) {
    return PlainHeaders.at(line, index, c);
  }
}
