/** Roles a token may carry; see README "Identity and roles". */
export const ROLES = ['admin', 'participant', 'analyst', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: the verified claims of the bearer token. */
export interface Actor {
  /**
   * `sub`: a user id. For participants, their person id (the `personId` they were enrolled with, lower-cased): it
   * acts for every participant record of that person in its organization, across programs.
   */
  readonly id: string;
  /** `org`: the organization whose programs this actor may see. */
  readonly organizationId: string;
  readonly roles: readonly Role[];
}

export const isAdmin = (actor: Actor) => actor.roles.includes('admin');
