/** The extensions the simulated Neutron lists: those of the test cloud's Zed that it serves, plus the L3 router. */

/** One entry of `GET /v2.0/extensions`. */
export interface Extension {
  name: string;
  alias: string;
  description: string;
  updated: string;
  links: never[];
}

const ENTRIES: [alias: string, name: string, description: string, updated: string][] = [
  ["allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs", "2013-07-23T10:00:00-00:00"],
  ["binding", "Port Binding", "Expose port bindings of a virtual port to external application", "2014-02-03T10:00:00-00:00"],
  ["empty-string-filtering", "Empty String Filtering Extension", "Allow filtering by attributes with empty string value", "2018-05-01T10:00:00-00:00"],
  ["external-net", "Neutron external network", "Adds external network attribute to network resource.", "2013-01-14T10:00:00-00:00"],
  ["ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway", "2013-03-28T10:00:00-00:00"],
  ["filter-validation", "Filter parameters validation", "Provides validation on filter parameters.", "2018-03-21T10:00:00-00:00"],
  ["net-mtu", "Network MTU", "Provides MTU attribute for a network resource.", "2015-03-25T10:00:00-00:00"],
  ["pagination", "Pagination support", "Extension that indicates that pagination is enabled.", "2016-06-12T00:00:00-00:00"],
  ["port-security", "Port Security", "Provides port security", "2012-07-23T10:00:00-00:00"],
  ["project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled.", "2016-09-09T09:09:09-09:09"],
  // The test cloud runs no L3 plugin; the sandbox serves routers so stacks with one can run against it.
  ["router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway.", "2012-07-20T10:00:00-00:00"],
  ["security-group", "security-group", "The security groups extension.", "2012-10-05T10:00:00-00:00"],
  ["security-groups-normalized-cidr", "Security group rule normalized CIDR", "Add new field with normalized remote_ip_prefix cidr in SG rule", "2019-07-11T10:00:00-00:00"],
  ["sorting", "Sorting support", "Extension that indicates that sorting is enabled.", "2016-06-12T00:00:00-00:00"],
  ["standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes", "2016-02-10T10:00:00-00:00"],
  ["standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources.", "2016-04-11T10:00:00-00:00"],
  ["standard-attr-tag", "Tag support for resources with standard attribute: subnet, trunk, network_segment_range, router, network, policy, subnetpool, port, security_group, floatingip", "Enables to set tag on resources with standard attribute.", "2017-01-01T00:00:00-00:00"],
  ["standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.", "2016-09-12T10:00:00-00:00"],
  ["stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not", "2019-11-26T09:00:00-00:00"],
];

/** Every extension, sorted by alias as Neutron lists them. */
export const EXTENSIONS: Extension[] = ENTRIES.map(([alias, name, description, updated]) => ({ name, alias, description, updated, links: [] }));
