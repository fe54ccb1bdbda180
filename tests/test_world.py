def test_world_builds_every_role(world):
    assert world.user("caucus-moderator") is not None
    assert world.space("in-workers").is_caucus
