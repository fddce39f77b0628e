"""Creates the template's tables, queues and event buses in an AWS endpoint (moto locally).

Reads each resource's own properties from template.yaml, so a table or queue added to the
template exists locally with no second list to keep in sync.
"""

from __future__ import annotations

import json

import boto3

from .template import Stack

TABLE = "AWS::DynamoDB::Table"
QUEUE = "AWS::SQS::Queue"
EVENT_BUS = "AWS::Events::EventBus"
SUPPORTED = (TABLE, QUEUE, EVENT_BUS)
HTTP_API = "AWS::Serverless::HttpApi"


class ClientFactory:
    """boto3 clients for one endpoint (moto's server locally); None means AWS's own."""

    def __init__(self, region: str, endpoint_url: str | None = None) -> None:
        self.region = region
        self.endpoint_url = endpoint_url
        # Against a local endpoint any credentials do; against AWS the usual chain applies.
        local = {"aws_access_key_id": "devstack", "aws_secret_access_key": "devstack"}
        self._session = boto3.session.Session(region_name=region, **(local if endpoint_url else {}))

    def __call__(self, service: str):
        return self._session.client(service, endpoint_url=self.endpoint_url)


# CloudFormation property → SQS attribute name, for the ones that differ only in spelling.
_QUEUE_ATTRIBUTES = {
    "FifoQueue": "FifoQueue",
    "ContentBasedDeduplication": "ContentBasedDeduplication",
    "DeduplicationScope": "DeduplicationScope",
    "FifoThroughputLimit": "FifoThroughputLimit",
    "VisibilityTimeout": "VisibilityTimeout",
    "MessageRetentionPeriod": "MessageRetentionPeriod",
    "DelaySeconds": "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds": "ReceiveMessageWaitTimeSeconds",
    "MaximumMessageSize": "MaximumMessageSize",
}


def provision(stack: Stack, clients: ClientFactory | None = None) -> Stack:
    """Create every supported resource; fills the stack's physical IDs and attributes."""
    clients = clients or ClientFactory(stack.region)
    creators = {
        TABLE: _create_table(clients("dynamodb")),
        QUEUE: _create_queue(clients("sqs")),
        EVENT_BUS: _create_event_bus(clients("events")),
    }
    for name in stack.resources_of_type(HTTP_API):
        # Not created here (the devstack serves the routes itself), but functions name it.
        stack.physical_ids[name] = f"{name.lower()}-local"
    for name in stack.creation_order(SUPPORTED):
        resource = stack.resources[name]
        properties = stack.resolve(resource.get("Properties", {}))
        creators[resource["Type"]](stack, name, properties)
    return stack


def _create_table(dynamodb):
    def create(stack: Stack, name: str, props: dict) -> None:
        table_name = props.get("TableName") or f"{name}-local"
        args = {
            "TableName": table_name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(key):
                args[key] = props[key]
        if args["BillingMode"] == "PROVISIONED":
            args["ProvisionedThroughput"] = props["ProvisionedThroughput"]
        description = dynamodb.create_table(**args)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            dynamodb.update_time_to_live(
                TableName=table_name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        stack.physical_ids[name] = table_name
        stack.attributes[(name, "Arn")] = description["TableArn"]

    return create


def _create_queue(sqs):
    def create(stack: Stack, name: str, props: dict) -> None:
        queue_name = props.get("QueueName") or (
            f"{name}-local.fifo" if props.get("FifoQueue") else f"{name}-local"
        )
        attributes = {
            sqs_name: str(props[cfn_name]).lower()
            if isinstance(props[cfn_name], bool)
            else str(props[cfn_name])
            for cfn_name, sqs_name in _QUEUE_ATTRIBUTES.items()
            if cfn_name in props
        }
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": policy["deadLetterTargetArn"],
                    "maxReceiveCount": str(policy["maxReceiveCount"]),
                }
            )
        url = sqs.create_queue(QueueName=queue_name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        stack.physical_ids[name] = url
        stack.attributes[(name, "Arn")] = arn["Attributes"]["QueueArn"]
        stack.attributes[(name, "QueueName")] = queue_name
        stack.attributes[(name, "QueueUrl")] = url

    return create


def _create_event_bus(events):
    def create(stack: Stack, name: str, props: dict) -> None:
        arn = events.create_event_bus(Name=props["Name"])["EventBusArn"]
        stack.physical_ids[name] = props["Name"]
        stack.attributes[(name, "Arn")] = arn
        stack.attributes[(name, "Name")] = props["Name"]

    return create


def put_secret(clients: ClientFactory, name: str, value: str) -> None:
    clients("ssm").put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
