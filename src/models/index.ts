/** Every mongoose model, in one place, so start-up can build their indexes together. */
export { OrganizationModel } from './organization.model.js';
export { WorkspaceModel } from './workspace.model.js';
export { PersonModel } from './person.model.js';
export { PlatformAccountModel } from './platform-account.model.js';
export { PromptTokenModel } from './prompt-token.model.js';
export { ConversationModel } from './conversation.model.js';
export { MessageLinkModel } from './message-link.model.js';
export { RelayReceiptModel } from './relay-receipt.model.js';
export { DirectoryVersionModel } from './directory-version.model.js';
export { InboundEventModel } from './inbound-event.model.js';
export { GroupSyncModel, GroupSyncMemberModel, GroupSyncRemovalModel } from './group-sync.model.js';
export { ContactGroupModel, ContactGroupMemberModel, ContactGroupRemovalModel, ContactSyncModel, ContactSyncRunModel } from './contact.model.js';
export { EventModel } from './event.model.js';
export { AdapterStateModel } from './adapter-state.model.js';
export { UnscopedQueryError } from './org-scope.js';
