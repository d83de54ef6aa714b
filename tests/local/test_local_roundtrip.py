"""A full round trip through the wire protocol: the shape every other test builds on."""

from __future__ import annotations

from swf_scenario import Scenario, decision


async def test_a_workflow_runs_from_start_to_completion(scenario: Scenario) -> None:
    execution = await scenario.start(input="in")
    await scenario.decide(scenario.schedule("a1", input="work"))
    task = await scenario.poll_activity()
    assert task["activityId"] == "a1"
    assert task["input"] == "work"
    await scenario.client.respond_activity_task_completed(taskToken=task["taskToken"], result="ok")
    await scenario.decide(decision("CompleteWorkflowExecution", result="done"))
    assert await scenario.types(execution) == [
        "WorkflowExecutionStarted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "ActivityTaskScheduled",
        "ActivityTaskStarted",
        "ActivityTaskCompleted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "WorkflowExecutionCompleted",
    ]
    info = (await scenario.describe(execution))["executionInfo"]
    assert info["executionStatus"] == "CLOSED"
    assert info["closeStatus"] == "COMPLETED"
