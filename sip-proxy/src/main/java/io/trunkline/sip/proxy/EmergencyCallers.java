package io.trunkline.sip.proxy;

import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.message.SIPRequest;
import io.trunkline.sip.config.ServedTrunk;
import io.trunkline.sip.registrar.LocationStore;
import io.trunkline.sip.registrar.Registrar;
import io.trunkline.sip.routing.TargetResolver;
import java.net.InetAddress;
import java.time.Clock;

/**
 * Who may still place an emergency call from a banned source. A ban slows password guessing, and an
 * office behind one NAT address is banned whole when one phone keeps a wrong password, so an
 * emergency INVITE from a banned source is still heard, but only from where the trunk's own callers
 * are: the PBX's source networks, or the address the calling line's phone (or the PBX) registered
 * from. A scanner elsewhere stays banned, so the emergency numbers open no way around the ban for
 * guessing; the caller still answers its digest challenge as usual.
 */
final class EmergencyCallers {

  private final LocationStore locations;
  private final Clock clock;

  EmergencyCallers(LocationStore locations, Clock clock) {
    this.locations = locations;
    this.clock = clock;
  }

  /**
   * Whether {@code request}, a new INVITE from the banned {@code source}, is heard all the same.
   */
  boolean heardDespiteBan(ServedTrunk trunk, SIPRequest request, InetAddress source) {
    if (TargetResolver.emergencyNumber(trunk, request.getRequestURI()).isEmpty()
        || trunk.carrierAt(source).isPresent()) {
      return false;
    }
    if (trunk.pbxHasSources() && trunk.pbxAdmits(source)) {
      return true;
    }
    String user =
        request.getFrom().getAddress().getURI() instanceof SipUri sip ? sip.getUser() : null;
    // As CallSetup tells them apart: a line by its user name, else the PBX.
    String aor =
        trunk.lineByUser(user).map(Registrar::aor).orElse(trunk.pbxDigest() ? Registrar.PBX : null);
    return aor != null
        && locations.lookup(aor, clock.instant()).stream()
            .anyMatch(binding -> binding.source().getAddress().equals(source));
  }
}
