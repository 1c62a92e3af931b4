import type { IncomingHttpHeaders } from 'node:http';
import { asRecord } from '../../shared/validation/as-record';
import { asStringMap, ok, type Reply, type RouteHandler, rejected } from './stand-in-http';

/**
 * The DingTalk stand-in's AI card API (card_1_0): createAndDeliver, streaming updates and instance updates, with the
 * checks DingTalk makes (token, published template, open space and deliver model, known outTrackId, the streaming key
 * bound in the template). Cards are kept as the user would see them; every call is logged in arrival order so tests
 * can assert ordering. Codes follow docs/dingtalk.md §5 and §8; those marked "assumed" are not in our
 * sources.
 */
export type StandInCardRoute = 'cardCreate' | 'cardStreaming' | 'cardInstance';

export interface StandInCardUpdate {
  content: string;
  isFinalize: boolean;
  isError: boolean;
  at: number;
}

export interface StandInCard {
  outTrackId: string;
  templateId: string;
  openSpaceId: string;
  /** Group cards only: the users @-mentioned on delivery, staffId → nick. */
  atUserIds?: Record<string, string>;
  /** The text shown now: from the create call, then the latest streaming or instance update. */
  content: string;
  /** The cardParamMap's flowStatus ('1' processing … '3' finished, '5' failed). */
  flowStatus: string | undefined;
  /** A streaming call with isFinalize arrived. */
  finalized: boolean;
  /** A streaming call with isError arrived. */
  error: boolean;
  /** Streaming calls only, in arrival order. */
  updates: StandInCardUpdate[];
}

export interface StandInCardCall {
  route: StandInCardRoute;
  outTrackId: string | undefined;
  at: number;
  /** The HTTP status answered; 0 when the connection was dropped (failNext 'hangup'). */
  status: number;
}

export interface StandInCardsContext {
  robotCode: string;
  /** Published templates: templateId → the variable its streaming markdown component is bound to. */
  templates: Record<string, string>;
  /** The reply for a missing or expired token; undefined when the token is good. */
  checkToken(headers: IncomingHttpHeaders): Reply | undefined;
  /** Why a card cannot be delivered to this open space (its deliverResults errorMsg); undefined when it can. */
  deliveryProblem(openSpaceId: string): string | undefined;
}

interface CardState {
  card: StandInCard;
  contentKey: string;
  params: Record<string, string>;
  /** Created without callbackType: streaming then fails with 500 (community report, docs/dingtalk.md §5). */
  streamable: boolean;
}

export const CARD_ROUTES: readonly StandInCardRoute[] = ['cardCreate', 'cardStreaming', 'cardInstance'];
/** A 400 whose code is our guess: DingTalk's exact code is not in our sources. */
const assumed = (code: string, message: string): Reply => rejected(400, code, `${message} (code assumed)`);
const BAD_PARAM_MAP = assumed('invalidParameter.cardParamMap', 'cardParamMap 的值须为字符串');
const UNKNOWN_ERROR: Reply = { status: 500, body: { code: 'unknownError', message: '未知错误' } };
const GROUP_SPACE = /^dtv1\.card\/\/IM_GROUP\../;
const ROBOT_SPACE = /^dtv1\.card\/\/IM_ROBOT\../;

export function createStandInCards(context: StandInCardsContext) {
  const cards: StandInCard[] = [];
  const cardCalls: StandInCardCall[] = [];
  const states = new Map<string, CardState>();
  const listeners = new Set<() => void>();

  /** A card that exists, or the assumed 400 DingTalk gives for an unknown outTrackId. */
  const existing = (body: Record<string, unknown>): CardState | Reply => {
    const state = typeof body['outTrackId'] === 'string' ? states.get(body['outTrackId']) : undefined;
    return state ?? assumed('cardInstance.notExist', '卡片实例不存在');
  };

  const routes: Record<StandInCardRoute, RouteHandler> = {
    cardCreate(body, request) {
      const denied = context.checkToken(request.headers);
      if (denied) return denied;
      const templateId = body['cardTemplateId'];
      const outTrackId = body['outTrackId'];
      if (typeof templateId !== 'string' || templateId === '') {
        return rejected(400, 'param.cardTemplateIdEmpty', '模板id为空');
      }
      const contentKey = context.templates[templateId];
      if (contentKey === undefined) return rejected(400, 'cardInstance.wrong', '先检查卡片模板是否已发布');
      if (typeof outTrackId !== 'string' || outTrackId === '') {
        return rejected(400, 'param.outTrackIdEmpty', 'outTrackId为空');
      }
      if (states.has(outTrackId)) return assumed('cardInstance.exist', '卡片实例已存在');
      const params = asStringMap(asRecord(body['cardData'])['cardParamMap']);
      if (params === undefined) return BAD_PARAM_MAP;
      const space = checkSpace(body, context.robotCode);
      if ('status' in space) return space;
      const card: StandInCard = {
        outTrackId,
        templateId,
        ...space,
        content: params[contentKey] ?? '',
        flowStatus: params['flowStatus'],
        finalized: false,
        error: false,
        updates: [],
      };
      const streamable = typeof body['callbackType'] === 'string';
      states.set(outTrackId, { card, contentKey, params: { ...params }, streamable });
      // The instance exists either way; an undelivered one is simply never shown to anyone.
      const problem = context.deliveryProblem(space.openSpaceId);
      if (problem === undefined) cards.push(card);
      const [spaceType, spaceId] = space.openSpaceId.replace('dtv1.card//', '').split(/\.(.*)/s);
      const deliverResult = { spaceType, spaceId, success: problem === undefined, ...(problem ? { errorMsg: problem } : {}) };
      return ok({ success: true, result: { outTrackId, deliverResults: [deliverResult] } });
    },
    cardStreaming(body, request) {
      const denied = context.checkToken(request.headers);
      if (denied) return denied;
      const state = existing(body);
      if ('status' in state) return state;
      if (typeof body['guid'] !== 'string' || body['guid'] === '') return assumed('param.guidEmpty', 'guid为空');
      // Seen in production as 500 unknownError (docs/dingtalk.md §8 and "AI card pitfalls"): a key the template does not bind, or a card
      // created without callbackType.
      if (body['key'] !== state.contentKey || !state.streamable) return UNKNOWN_ERROR;
      const content = body['content'];
      if (typeof content !== 'string') return assumed('invalidParameter.content', 'content须为字符串');
      const { card } = state;
      card.content = body['isFull'] === true ? content : card.content + content;
      state.params[state.contentKey] = card.content;
      const isFinalize = body['isFinalize'] === true;
      const isError = body['isError'] === true;
      card.updates.push({ content: card.content, isFinalize, isError, at: Date.now() });
      card.finalized ||= isFinalize;
      card.error ||= isError;
      return ok({ success: true });
    },
    cardInstance(body, request) {
      const denied = context.checkToken(request.headers);
      if (denied) return denied;
      const state = existing(body);
      if ('status' in state) return state;
      const params = asStringMap(asRecord(body['cardData'])['cardParamMap']);
      if (params === undefined) return BAD_PARAM_MAP;
      const byKey = asRecord(body['cardUpdateOptions'])['updateCardDataByKey'] === true;
      // Without updateCardDataByKey DingTalk replaces the whole map, dropping variables the call did not name.
      state.params = byKey ? { ...state.params, ...params } : { ...params };
      state.card.content = state.params[state.contentKey] ?? '';
      state.card.flowStatus = state.params['flowStatus'];
      return ok({ success: true });
    },
  };

  return {
    cards,
    cardCalls,
    routes,
    /**
     * Called by the server for every card request once its answer (or hang-up) is known; returns the delivered card
     * the call was about, if there is one (none for a failed create, or a card its recipient never sees).
     */
    recordCall(route: StandInCardRoute, body: unknown, status: number): StandInCard | undefined {
      const outTrackId = asRecord(body)['outTrackId'];
      const id = typeof outTrackId === 'string' ? outTrackId : undefined;
      cardCalls.push({ route, outTrackId: id, at: Date.now(), status });
      for (const listener of [...listeners]) listener();
      const card = id === undefined ? undefined : states.get(id)?.card;
      return card !== undefined && cards.includes(card) ? card : undefined;
    },
    /** Resolves once there are `condition` cards, or `condition(cards)` holds, checked after every card call. */
    waitForCards(condition: number | ((cards: StandInCard[]) => boolean), timeoutMs = 2000): Promise<StandInCard[]> {
      const met = (): boolean => (typeof condition === 'number' ? cards.length >= condition : condition(cards));
      return new Promise<StandInCard[]>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = (): void => {
          if (!met()) return;
          done();
          resolve([...cards]);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          const got = `${cards.length} cards, ${cardCalls.length} card calls`;
          reject(new Error(`DingTalk stand-in cards did not reach the expected state within ${timeoutMs} ms (${got})`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
  };
}

export type StandInCards = ReturnType<typeof createStandInCards>;

type Space = { openSpaceId: string; atUserIds?: Record<string, string> };

/** DingTalk's open space id names the chat; the matching deliver model must come with it (docs/dingtalk.md §5). */
function checkSpace(body: Record<string, unknown>, robotCode: string): Space | Reply {
  const openSpaceId = typeof body['openSpaceId'] === 'string' ? body['openSpaceId'] : '';
  if (GROUP_SPACE.test(openSpaceId)) {
    const deliver = asRecord(body['imGroupOpenDeliverModel']);
    if (deliver['robotCode'] !== robotCode) {
      return assumed('invalidParameter.robotCode.notExsit', 'robotCode不存在');
    }
    if (deliver['atUserIds'] === undefined) return { openSpaceId };
    const atUserIds = asStringMap(deliver['atUserIds']);
    if (atUserIds === undefined) return assumed('invalidParameter.atUserIds', 'atUserIds 须为 staffId → 昵称');
    return { openSpaceId, atUserIds };
  }
  if (ROBOT_SPACE.test(openSpaceId)) {
    const deliver = asRecord(body['imRobotOpenDeliverModel']);
    if (deliver['spaceType'] === 'IM_ROBOT') return { openSpaceId };
    return assumed('invalidParameter.spaceType', 'imRobotOpenDeliverModel.spaceType 须为 IM_ROBOT');
  }
  return assumed('invalidParameter.openSpaceId', 'openSpaceId 无效');
}
