class AuthService:
    async def issue_for(self, user_id):
        return {"user": user_id}


auth_service = AuthService()
