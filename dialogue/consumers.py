from channels.generic.websocket import AsyncJsonWebsocketConsumer


class SiteConsumer(AsyncJsonWebsocketConsumer):
    pass
