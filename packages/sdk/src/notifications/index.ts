export {
  createNotificationsApi,
  type Notification,
  type NotificationInfo,
  type NotificationsApi,
  type NotificationWatcher,
  type ReadStateOption,
} from './createNotificationsApi';
export { fileReadStateStore, memoryReadStateStore, type ReadStateStore } from './ReadStateStore';
