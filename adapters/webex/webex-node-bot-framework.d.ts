/**
 * The slice of `webex-node-bot-framework` 2.3.x (and the `webex` SDK instance it wraps) that
 * Crosstalk uses; the package ships no type declarations.
 */
declare module 'webex-node-bot-framework' {
  /** An HTTP answer from the SDK's generic `request`. */
  export interface WebexSdkResponse<T = unknown> {
    statusCode: number;
    headers: Record<string, string | undefined>;
    body: T;
  }

  /** Options of the SDK's generic request: a hydra `resource` or an absolute `uri`. */
  export interface WebexSdkRequest {
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    service?: 'hydra';
    resource?: string;
    uri?: string;
    qs?: Record<string, string | number | boolean>;
    body?: unknown;
  }

  /** The `webex` SDK instance (`framework.getWebexSDK()`). */
  export interface WebexSdk {
    request<T = unknown>(options: WebexSdkRequest): Promise<WebexSdkResponse<T>>;
    messages: {
      get(id: string): Promise<Record<string, unknown>>;
      create(message: Record<string, unknown>): Promise<Record<string, unknown>>;
      remove(id: string): Promise<void>;
    };
    attachmentActions: { get(id: string): Promise<Record<string, unknown>> };
    people: { get(id: string): Promise<Record<string, unknown>> };
  }

  /** Framework options used here (see the package README for the rest). */
  export interface FrameworkOptions {
    token: string;
    webhookUrl?: string;
    webhookSecret?: string;
    removeWebhooksOnStart?: boolean;
    maxStartupSpaces?: number;
    messageFormat?: 'text' | 'markdown' | 'html';
  }

  /** A registered webhook as the framework keeps it; `false` when registration failed. */
  export type FrameworkWebhook = { id: string; name: string; targetUrl: string } | false | Record<string, never>;

  export default class Framework {
    constructor(options: FrameworkOptions);
    start(): Promise<boolean>;
    stop(): Promise<boolean>;
    getWebexSDK(): WebexSdk;
    person: { id: string; emails: string[]; displayName: string; orgId: string; type: string };
    email: string;
    isBotAccount: boolean;
    webhook: FrameworkWebhook;
    cardsWebhook: FrameworkWebhook;
    debugger?: (message: string, id: string) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
