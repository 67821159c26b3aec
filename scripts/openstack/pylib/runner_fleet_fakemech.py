"""ML2 mechanism driver for the contract-test rig: binds every port on every host, no agents.

Without a driver that binds, Nova fails every build on a Neutron network with PortBindingFailed,
because no agent ever binds the port; Neutron's in-tree `test` driver asserts on port contexts and
fails inside a real server. Ports get vif_type=ovs and status ACTIVE; nothing is plumbed.
Registered as ML2 mechanism driver "runner_fleet_fakebind" by the dist-info entry point next to it.
"""
from neutron_lib.api.definitions import portbindings
from neutron_lib import constants
from neutron_lib.plugins.ml2 import api


class FakeBindMechanismDriver(api.MechanismDriver):

    def initialize(self):
        pass

    def bind_port(self, context):
        for segment in context.segments_to_bind:
            context.set_binding(segment[api.ID], portbindings.VIF_TYPE_OVS,
                                {portbindings.CAP_PORT_FILTER: True,
                                 portbindings.OVS_HYBRID_PLUG: False},
                                status=constants.PORT_STATUS_ACTIVE)
            return
