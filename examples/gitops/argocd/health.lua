-- Argo CD health check for Trunkline's kinds (SipTrunk, SipLine, RoutePolicy), keyed on the
-- Ready condition the operator writes and on observedGeneration, so a change the operator has not
-- seen yet never shows as Healthy. Register it under each kind (see README.md).
local health = {status = "Progressing", message = "Waiting for the Trunkline operator"}
if obj.status == nil then
  return health
end
local generation = obj.metadata.generation
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  health.message = "Waiting for the operator to observe generation " .. generation
  return health
end
for _, condition in ipairs(obj.status.conditions or {}) do
  if condition.type == "Ready" then
    local message = condition.message or ""
    if condition.status == "True" then
      health.status = "Healthy"
    elseif condition.reason == "PoolsNotReady" then
      -- Pods are still starting: progress, not a fault.
      health.status = "Progressing"
    else
      health.status = "Degraded"
      message = (condition.reason or "NotReady") .. ": " .. message
    end
    health.message = message
    return health
  end
end
return health
