package io.trunkline.sip.message;

import gov.nist.javax.sip.header.ContentLength;
import gov.nist.javax.sip.header.ContentType;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.text.ParseException;
import java.util.Iterator;

/**
 * The bytes of a message to send, exactly as JAIN-SIP's {@code encodeAsBytes} makes them: the top
 * Via names the transport, then the start line, every header but Content-Length, Content-Length
 * last, the blank line and the body.
 *
 * <p>JAIN-SIP builds them in a fresh StringBuilder, then makes its String, that String's bytes, the
 * start line's bytes and two joined copies: about 3.4 KB for a 500-byte message. Here the text is
 * built in one StringBuilder kept by the thread and written once into an array of the message's
 * size, about 0.8 KB in all. Headers in a charset other than UTF-8 (a Content-Type charset
 * parameter, which JAIN-SIP encodes them in) and messages without a start line or a Via go through
 * JAIN-SIP itself.
 */
public final class SipEncoder {

  /** A thread's text is kept up to this size; a larger message's is let go after it. */
  private static final int KEPT_CHARS = 16 * 1024;

  private static final ThreadLocal<StringBuilder> TEXT =
      ThreadLocal.withInitial(() -> new StringBuilder(2048));

  private SipEncoder() {}

  public static byte[] encode(SIPMessage message, String transport) {
    Via top = message.getTopmostVia();
    ContentLength length = (ContentLength) message.getContentLength();
    if (top == null || length == null || !startLine(message) || !utf8Headers(message)) {
      return message.encodeAsBytes(transport);
    }
    try {
      top.setTransport(transport);
    } catch (ParseException e) {
      return message.encodeAsBytes(transport);
    }
    StringBuilder text = TEXT.get();
    text.setLength(0);
    if (message instanceof SIPRequest request) {
      request.getRequestLine().encode(text);
    } else {
      ((SIPResponse) message).getStatusLine().encode(text);
    }
    for (Iterator<SIPHeader> headers = message.getHeaders(); headers.hasNext(); ) {
      SIPHeader header = headers.next();
      if (!(header instanceof ContentLength)) {
        header.encode(text);
      }
    }
    length.encode(text);
    text.append("\r\n");
    byte[] body = message.getRawContent();
    int head = ByteBufUtil.utf8Bytes(text);
    byte[] bytes = new byte[head + (body == null ? 0 : body.length)];
    ByteBuf out = Unpooled.wrappedBuffer(bytes).clear();
    ByteBufUtil.reserveAndWriteUtf8(out, text, head);
    if (body != null) {
      out.writeBytes(body);
    }
    if (text.length() > KEPT_CHARS) {
      TEXT.remove();
    }
    return bytes;
  }

  private static boolean startLine(SIPMessage message) {
    if (message instanceof SIPRequest request) {
      return !request.isNullRequest() && request.getRequestLine() != null;
    }
    return message instanceof SIPResponse response && response.getStatusLine() != null;
  }

  /** JAIN-SIP encodes the headers in the Content-Type's charset, UTF-8 when it names none. */
  private static boolean utf8Headers(SIPMessage message) {
    ContentType type = (ContentType) message.getContentTypeHeader();
    String charset = type == null ? null : type.getCharset();
    return charset == null || "UTF-8".equalsIgnoreCase(charset);
  }
}
